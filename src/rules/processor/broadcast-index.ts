/**
 * The secondary index from attribute value to customers that lets a broadcast visit only the
 * customers it can match (an alert for one city reads that city's customers, not everyone).
 *
 * Key: `<attr>\0<type><value>\0<customerId>`, where type is s, n or b. The contract's `eq` never
 * matches across JSON types, so the type is part of the key and "1" and 1 stay apart.
 */
import type { KeyValueStore } from '../../state/index.js';
import type { AttrValue } from '../types.js';

const SEPARATOR = '\u0000';
const EMPTY = new Uint8Array(0);

export function encodeIndexValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'number':
      return `n${JSON.stringify(value)}`;
    case 'boolean':
      return value ? 'btrue' : 'bfalse';
    default:
      return undefined;
  }
}

/** The key prefix under which every customer with `attr` equal to `value` is listed. */
export function indexPrefix(attr: string, value: unknown): string | undefined {
  const encoded = encodeIndexValue(value);
  return encoded === undefined ? undefined : `${attr}${SEPARATOR}${encoded}${SEPARATOR}`;
}

export function customerOfIndexKey(key: string): string {
  return key.slice(key.lastIndexOf(SEPARATOR) + 1);
}

export class BroadcastIndex {
  constructor(
    private readonly store: KeyValueStore<Uint8Array>,
    private indexed: ReadonlySet<string>,
  ) {}

  get attributes(): ReadonlySet<string> {
    return this.indexed;
  }

  setAttributes(attributes: ReadonlySet<string>): void {
    this.indexed = attributes;
  }

  /** Snapshot of the indexed attributes' values, taken before a change. */
  snapshot(attrs: ReadonlyMap<string, AttrValue>): (AttrValue | undefined)[] {
    const values: (AttrValue | undefined)[] = [];
    for (const attr of this.indexed) values.push(attrs.get(attr));
    return values;
  }

  /** Moves the customer's entries from the values before (a snapshot, or nothing) to the values now. */
  update(
    customerId: string,
    before: readonly (AttrValue | undefined)[] | undefined,
    attrs: ReadonlyMap<string, AttrValue>,
  ): void {
    let i = 0;
    for (const attr of this.indexed) {
      const old = before === undefined ? undefined : before[i];
      const now = attrs.get(attr);
      i += 1;
      if (before !== undefined && old === now) continue;
      if (old !== undefined) {
        const prefix = indexPrefix(attr, old);
        if (prefix !== undefined) this.store.delete(prefix + customerId);
      }
      if (now !== undefined) {
        const prefix = indexPrefix(attr, now);
        if (prefix !== undefined) this.store.put(prefix + customerId, EMPTY);
      }
    }
  }
}
