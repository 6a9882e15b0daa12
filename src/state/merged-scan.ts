/**
 * The scan behind the write cache's `range()`: the cache's pending entries merged with a backend
 * cursor in key order (or reverse). On equal keys the pending entry wins; a pending tombstone
 * hides the backend's entry. The limit counts entries returned, after tombstones, so it cannot
 * be pushed down to the backend.
 */
import { compareKeys } from './key-order.js';
import type { Bytes, Entry, KeyChunk, KeyRange, StoreCursor } from './types.js';

/** Marks a pending delete in the write cache. */
export const TOMBSTONE: unique symbol = Symbol('tombstone');

/** A write waiting in the cache: the deserialized value (or a tombstone) and when it was made. */
export interface DirtyEntry<V> {
  /** The entry's key, so a flush can sort the entries themselves. */
  readonly key: string;
  value: V | typeof TOMBSTONE;
  timestamp: number;
}

/** The cache's side of a merged scan, in scan order (a TreeCursor, or a sorted snapshot). */
export interface PendingCursor<V> {
  /** Replaces the contents of `keys`/`values` with up to `max` next entries; 0 means the end. */
  nextChunk(max: number, keys: string[], values: DirtyEntry<V>[]): number;
}

/** Walks keys sorted ascending (and their entries), forwards or backwards. */
export class SnapshotCursor<V> implements PendingCursor<V> {
  private next: number;

  constructor(
    private readonly keys: readonly string[],
    private readonly entries: readonly DirtyEntry<V>[],
    private readonly reverse: boolean,
  ) {
    this.next = reverse ? keys.length - 1 : 0;
  }

  nextChunk(max: number, keys: string[], values: DirtyEntry<V>[]): number {
    keys.length = 0;
    values.length = 0;
    let n = 0;
    if (this.reverse) {
      for (; n < max && this.next >= 0; n++, this.next--) {
        keys.push(this.keys[this.next]);
        values.push(this.entries[this.next]);
      }
    } else {
      for (; n < max && this.next < this.keys.length; n++, this.next++) {
        keys.push(this.keys[this.next]);
        values.push(this.entries[this.next]);
      }
    }
    return n;
  }
}

const CACHE_CHUNK = 256;
const BACKEND_FIRST_CHUNK = 64;
const BACKEND_MAX_CHUNK = 1024;

/** Closes `backend` however the scan ends. */
export async function* mergedScan<V>(
  cache: PendingCursor<V>,
  backend: StoreCursor,
  range: KeyRange,
  decode: (key: string, bytes: Bytes) => V,
): AsyncIterableIterator<Entry<V>> {
  const limit = range.limit ?? Infinity;
  const reverse = range.reverse === true;
  const cacheKeys: string[] = [];
  const cacheEntries: DirtyEntry<V>[] = [];
  let ci = 0;
  let cacheDone = false;
  let chunk: Entry<Bytes>[] = [];
  let bi = 0;
  let backendDone = false;
  // A scan that says how far it goes reads that far at once: a chunked sweep is one round trip.
  let chunkSize = Number.isFinite(limit)
    ? Math.min(BACKEND_MAX_CHUNK, Math.max(BACKEND_FIRST_CHUNK, limit))
    : BACKEND_FIRST_CHUNK;
  let emitted = 0;
  if (limit <= 0) {
    await backend.close();
    return;
  }
  try {
    for (;;) {
      if (ci >= cacheKeys.length && !cacheDone) {
        ci = 0;
        if (cache.nextChunk(CACHE_CHUNK, cacheKeys, cacheEntries) === 0) cacheDone = true;
      }
      if (bi >= chunk.length && !backendDone) {
        bi = 0;
        chunk = await backend.next(chunkSize);
        if (chunkSize < BACKEND_MAX_CHUNK) chunkSize *= 2;
        if (chunk.length === 0) backendDone = true;
      }
      const cacheHas = ci < cacheKeys.length;
      const backendHas = bi < chunk.length;
      if (!cacheHas && !backendHas) return;
      let order: number;
      if (!cacheHas) order = 1;
      else if (!backendHas) order = -1;
      else
        order = reverse
          ? compareKeys(chunk[bi].key, cacheKeys[ci])
          : compareKeys(cacheKeys[ci], chunk[bi].key);
      if (order <= 0) {
        if (order === 0) bi++;
        const key = cacheKeys[ci];
        const value = cacheEntries[ci].value;
        ci++;
        if (value === TOMBSTONE) continue;
        yield { key, value };
      } else {
        const entry = chunk[bi++];
        yield { key: entry.key, value: decode(entry.key, entry.value) };
      }
      if (++emitted >= limit) return;
    }
  } finally {
    await backend.close();
  }
}

/**
 * The first `limit` live keys of the cache's pending entries merged with a forward backend chunk
 * of at most `limit` entries. A full backend chunk may stop short of the range's end, so pending
 * keys past its last key are left for the next chunk, which starts after that key.
 */
export function mergedKeys<V>(
  cache: PendingCursor<V>,
  backend: readonly Entry<Bytes>[],
  limit: number,
): KeyChunk {
  const keys: string[] = [];
  const horizon = backend.length >= limit ? backend[backend.length - 1].key : undefined;
  const cacheKeys: string[] = [];
  const cacheEntries: DirtyEntry<V>[] = [];
  let ci = 0;
  let bi = 0;
  let cacheDone = false;
  for (;;) {
    if (ci >= cacheKeys.length && !cacheDone) {
      ci = 0;
      cacheDone = cache.nextChunk(CACHE_CHUNK, cacheKeys, cacheEntries) === 0;
    }
    let cacheHas = ci < cacheKeys.length;
    if (cacheHas && horizon !== undefined && compareKeys(cacheKeys[ci], horizon) > 0) {
      cacheHas = false;
      cacheDone = true;
    }
    const backendHas = bi < backend.length;
    if (!cacheHas && !backendHas) return { keys, after: horizon };
    const order = !cacheHas ? 1 : !backendHas ? -1 : compareKeys(cacheKeys[ci], backend[bi].key);
    let key: string;
    if (order <= 0) {
      if (order === 0) bi++;
      key = cacheKeys[ci];
      const value = cacheEntries[ci++].value;
      if (value === TOMBSTONE) continue;
    } else {
      key = backend[bi++].key;
    }
    keys.push(key);
    if (keys.length >= limit) return { keys, after: key };
  }
}
