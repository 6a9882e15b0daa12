/**
 * Rule problems name their place as a JSONPath from the rule (`$`): `.key` for plain keys,
 * `['odd key']` otherwise, `[i]` for array items, e.g. `$.when.all[0].eq`.
 */

const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;

export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return PLAIN_KEY.test(key)
    ? `${parent}.${key}`
    : `${parent}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/** Turns ajv's JSON Pointer (`/when/all/0`) into a JSONPath, using the data to tell indexes from keys. */
export function pointerToPath(pointer: string, data: unknown): string {
  let path = '$';
  let node: unknown = data;
  if (pointer === '') return path;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(key);
      path = childPath(path, index);
      node = node[index];
    } else {
      path = childPath(path, key);
      node =
        node !== null && typeof node === 'object'
          ? (node as Record<string, unknown>)[key]
          : undefined;
    }
  }
  return path;
}

/**
 * Where each path of `data` is met reading it top to bottom: `start` when the reader reaches it,
 * `end` once everything inside it has been read (a missing field is noticed at the object's end).
 */
export function documentOrder(data: unknown): Map<string, { start: number; end: number }> {
  const order = new Map<string, { start: number; end: number }>();
  let counter = 0;
  const visit = (node: unknown, path: string): void => {
    const place = { start: counter++, end: 0 };
    order.set(path, place);
    if (Array.isArray(node)) node.forEach((item, i) => visit(item, childPath(path, i)));
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) visit(value, childPath(path, key));
    }
    place.end = counter++;
  };
  visit(data, '$');
  return order;
}
