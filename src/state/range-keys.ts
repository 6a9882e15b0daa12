import type { KeyChunk, KeyRange, KeyValueStore } from './types.js';

/** `prefetchRange` for a store that cannot read ahead: the keys of an ordinary range scan. */
export async function keysOfRange<V>(store: KeyValueStore<V>, range: KeyRange): Promise<KeyChunk> {
  const keys: string[] = [];
  for await (const entry of store.range(range)) keys.push(entry.key);
  const full = range.limit !== undefined && keys.length >= range.limit;
  return { keys, after: full ? keys[keys.length - 1] : undefined };
}
