import type { AttrValue, JsonObject, JsonValue } from './types.js';

const REFERENCE = /\$\{(attr|event)\.([^}]*)\}/g;

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function field(event: object, path: string): unknown {
  let node: unknown = event;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * Renders a touch's params: in each top-level string, `${attr.NAME}` becomes the customer's
 * attribute and `${event.PATH}` the triggering event's field (dots walk into objects, so
 * `${event.props.city}` reads a broadcast's prop). Absent references render as ''. Other values,
 * nested ones included, are copied as they are.
 */
export function renderParams(
  params: JsonObject | undefined,
  attrs: ReadonlyMap<string, AttrValue>,
  event: object,
): JsonObject {
  if (params === undefined) return {};
  // fromEntries defines own properties, so a param named `__proto__` stays a param.
  return Object.fromEntries(
    Object.keys(params).map((key) => {
      const value = params[key];
      const rendered =
        typeof value === 'string' && value.includes('${')
          ? value.replace(REFERENCE, (_match, scope: string, name: string) =>
              text(scope === 'attr' ? attrs.get(name) : field(event, name)),
            )
          : (structuredClone(value) as JsonValue);
      return [key, rendered];
    }),
  ) as JsonObject;
}
