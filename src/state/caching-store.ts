/**
 * The write cache of one store: the layer that turns synchronous per-record reads and writes into
 * one backend batch per flush.
 *
 * - Dirty entries hold deserialized values (or a tombstone) in a hash map, updated in place, so a
 *   put costs one map lookup; they are sorted once, at flush. Each is serialized once, at flush, so
 *   a key written many times between commits costs one serialization, one backend write and one
 *   changelog record. Writes never pay for ordering: a scan sorts the dirty keys in its range,
 *   and once scans between two flushes have done that often, a key-ordered index (a B+tree) is
 *   built and kept, keys written after that being sorted into it by the next scan.
 * - Clean entries (read from, or flushed to, the backend) stay in an LRU of at most `maxEntries`,
 *   with remembered misses, so a hot key is deserialized once.
 * - `prefetch()` reads keys the cache does not hold on the backend's threads and keeps their bytes
 *   (read-ahead.ts) for the `get` that follows; any write of a key makes what was read for it void.
 *   What a `get` takes from there does not enter the clean cache: sweeps visit each key once.
 *   `prefetchRange()` does the same for the next keys of a range, which it answers.
 * - When more than `maxEntries` keys are dirty the store starts a flush by itself. A flush is
 *   asynchronous, so it starts when the caller next yields to the event loop; a task that writes
 *   many keys in one synchronous stretch should check `needsFlush` and await `flush()`.
 * - `range()`/`prefix()` merge the dirty entries with the backend (cache wins on equal keys,
 *   tombstones hide), so they see every write made before the scan started without flushing.
 *   A scan that starts while a flush is writing first waits for that flush to land.
 *   Writes made while a scan runs may or may not be seen by it.
 *
 * HAZARD: `get` may return the cached object itself. A caller that mutates it must `put` it back,
 * or the change may or may not reach the backend and the changelog.
 */
import { BPlusTree } from './b-plus-tree.js';
import type { BytesStore } from './bytes-store.js';
import {
  InvalidKeyError,
  InvalidStateArgumentError,
  StoreNotOpenError,
  StoreSerdeError,
} from './errors.js';
import {
  assertRange,
  compareKeys,
  isValidKey,
  needsSlowCompare,
  prefixRange,
} from './key-order.js';
import { LruCache } from './lru-cache.js';
import { ReadAhead } from './read-ahead.js';
import { SnapshotCursor, TOMBSTONE, mergedKeys, mergedScan } from './merged-scan.js';
import type { DirtyEntry, PendingCursor } from './merged-scan.js';
import { TreeCursor } from './tree-cursor.js';
import type {
  Bytes,
  Entry,
  KeyChunk,
  KeyRange,
  KeyValueStore,
  Serde,
  StoreMetrics,
  StoreStatus,
  WriteOp,
} from './types.js';

const ABSENT: unique symbol = Symbol('absent');
/** Scans filter the dirty map until they have looked at this many times its size. */
const SNAPSHOT_WORK_FACTOR = 4;

export interface CachingStoreOptions<V> {
  serde: Serde<V>;
  /** Most dirty keys before an early flush, and most clean keys kept. */
  maxEntries: number;
  metrics: StoreMetrics;
  /** The time stamped on each write (stream time); it travels to the changelog record. */
  timestamp: () => number;
}

export class CachingStore<V> implements KeyValueStore<V> {
  readonly name: string;
  private readonly serde: Serde<V>;
  private readonly maxEntries: number;
  private readonly metrics: StoreMetrics;
  private readonly timestamp: () => number;
  private dirty = new Map<string, DirtyEntry<V>>();
  /** The dirty entries in key order, built by the first scan after a flush; null until then. */
  private dirtyOrder: BPlusTree<DirtyEntry<V>> | null = null;
  /** Keys made dirty since `dirtyOrder` was last brought up to date (only while it exists). */
  private unordered: string[] = [];
  /** Dirty entries looked at by scans since the flush that did not use `dirtyOrder`. */
  private snapshotWork = 0;
  /** The batch a running flush is writing; still visible to reads until it has landed. */
  private flushing: Map<string, DirtyEntry<V>> | null = null;
  private readonly clean: LruCache<V | typeof ABSENT>;
  private readonly readAhead: ReadAhead;
  private flushChain: Promise<void> = Promise.resolve();
  private earlyFlushQueued = false;
  private failure: unknown = undefined;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly inner: BytesStore,
    options: CachingStoreOptions<V>,
  ) {
    if (!Number.isSafeInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new InvalidStateArgumentError(
        `store ${inner.name}`,
        `cacheMaxEntries must be a positive integer, got ${String(options.maxEntries)}`,
      );
    }
    this.name = inner.name;
    this.clean = new LruCache(options.maxEntries);
    this.readAhead = new ReadAhead(options.maxEntries);
    this.serde = options.serde;
    this.maxEntries = options.maxEntries;
    this.metrics = options.metrics;
    this.timestamp = options.timestamp;
  }

  get status(): StoreStatus {
    return this.inner.status;
  }

  /** Keys written since the last flush. */
  get dirtyCount(): number {
    return this.dirty.size;
  }

  /** More keys are dirty than the cache should hold: the owner should await `flush()` soon. */
  get needsFlush(): boolean {
    return this.dirty.size > this.maxEntries;
  }

  /** Opens the backend; called while a close runs, it opens again once that close is done. */
  open(): Promise<void> {
    const closing = this.closing;
    if (closing !== null) {
      return closing.then(
        () => this.open(),
        () => this.open(),
      );
    }
    return this.inner.open();
  }

  /** Flushes what is dirty, then closes the backend (which it does even if the flush fails). */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    const closing = this.closeOnce().finally(() => {
      this.closing = null;
    });
    this.closing = closing;
    return closing;
  }

  private async closeOnce(): Promise<void> {
    try {
      if (this.inner.status === 'open') await this.flush();
    } finally {
      this.clean.clear();
      this.readAhead.clear();
      await this.inner.close();
    }
  }

  /** Drops every unflushed write and closes the backend (for a task whose state is being wiped). */
  async discard(): Promise<void> {
    // Emptied before waiting, so a queued early flush finds nothing left to write.
    this.dirty = new Map<string, DirtyEntry<V>>();
    this.dropOrder();
    await this.flushChain;
    this.clean.clear();
    this.readAhead.clear();
    await this.inner.close();
  }

  get(key: string): V | undefined {
    this.check('get', key);
    // Pending entries shadow clean ones: a write leaves any clean entry of its key in place (it is
    // overwritten when the flush lands), which saves an LRU removal per write.
    let pending = this.dirty.get(key);
    if (pending === undefined && this.flushing !== null) pending = this.flushing.get(key);
    if (pending !== undefined) {
      this.metrics.cacheHits++;
      return pending.value === TOMBSTONE ? undefined : pending.value;
    }
    const cached = this.clean.get(key);
    if (cached !== undefined) {
      this.metrics.cacheHits++;
      return cached === ABSENT ? undefined : cached;
    }
    const early = this.readAhead.take(key);
    if (early !== undefined) {
      // Read ahead for a sweep, which visits each key once: kept out of the clean cache, so a
      // sweep over the whole store does not push out what the records keep reading.
      return early === null ? undefined : this.deserialize(key, early);
    }
    const bytes = this.inner.getUnchecked(key);
    const value = bytes === undefined ? undefined : this.deserialize(key, bytes);
    this.remember(key, value === undefined ? ABSENT : value);
    return value;
  }

  getMany(keys: readonly string[]): (V | undefined)[] {
    const out = new Array<V | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = this.get(keys[i]);
    return out;
  }

  /** Reads the keys this cache does not hold from the backend, off this thread (see KeyValueStore). */
  async prefetch(keys: readonly string[]): Promise<void> {
    const wanted: string[] = [];
    for (const key of keys) {
      this.check('prefetch', key);
      if (this.dirty.has(key) || this.flushing?.has(key) === true) continue;
      if (this.clean.has(key) || this.readAhead.holds(key)) continue;
      wanted.push(key);
    }
    if (wanted.length > 0) await this.readAhead.read(wanted, (some) => this.inner.readAhead(some));
  }

  /**
   * Reads the next keys of a forward range ahead, as `prefetch` reads known keys: the keys come
   * back (merged with the unflushed writes), their bytes wait for the `get`s that follow.
   */
  async prefetchRange(range: KeyRange): Promise<KeyChunk> {
    this.checkOpen('prefetchRange');
    const where = `store ${this.name} prefetchRange`;
    assertRange(where, range);
    const limit = range.limit;
    if (limit === undefined || limit < 1 || range.reverse === true)
      throw new InvalidStateArgumentError(where, 'needs a forward range with a positive limit');
    await this.settle();
    const bounds = boundsOf(range);
    const pending = this.pendingCursor(bounds);
    // Keys dirty now read stale bytes from the backend; later writes void theirs as they happen.
    const dirtyNow = this.dirty;
    const entries = await this.readAhead.readEntries(
      () => this.readBackend({ ...bounds, limit }),
      (key) => dirtyNow.has(key),
    );
    return mergedKeys(pending, entries, limit);
  }

  put(key: string, value: V): void {
    this.checkWritable('put', key);
    if (value === undefined) {
      throw new InvalidStateArgumentError(
        `store ${this.name} put`,
        `value for key ${JSON.stringify(key)} is undefined; use delete() to remove a key`,
      );
    }
    this.write(key, value);
  }

  delete(key: string): void {
    this.checkWritable('delete', key);
    this.write(key, TOMBSTONE);
  }

  /**
   * Writes every dirty entry to the backend in one batch (the change-logging layer below turns it
   * into one changelog record per key). Flushes run one at a time, in call order; the promise
   * settles when everything dirty at call time has landed.
   */
  flush(): Promise<void> {
    const run = this.flushChain.then(() => this.flushOnce());
    this.flushChain = run.catch(() => undefined);
    return run;
  }

  range(range: KeyRange = {}): AsyncIterableIterator<Entry<V>> {
    this.checkOpen('range');
    assertRange(`store ${this.name} range`, range);
    return this.merged(range);
  }

  prefix(
    prefix: string,
    options: { limit?: number; reverse?: boolean } = {},
  ): AsyncIterableIterator<Entry<V>> {
    this.check('prefix', prefix);
    return this.range(prefixRange(prefix, options));
  }

  /** Exact when the backend's count is: the backend's count corrected by the unflushed writes. */
  async approximateCount(): Promise<number> {
    this.checkOpen('approximateCount');
    await this.settle();
    let count = await this.inner.approximateCount();
    for (const [key, entry] of this.dirty) {
      const stored = this.inner.getUnchecked(key) !== undefined;
      const live = entry.value !== TOMBSTONE;
      if (stored !== live) count += live ? 1 : -1;
    }
    return count;
  }

  /** Forgets clean entries (after a restore wrote to the backend underneath the cache). */
  evictClean(keys?: Iterable<string>): void {
    this.readAhead.clear();
    if (keys === undefined) {
      this.clean.clear();
      return;
    }
    for (const key of keys) this.clean.delete(key);
  }

  private write(key: string, value: V | typeof TOMBSTONE): void {
    this.readAhead.written(key);
    const timestamp = this.timestamp();
    const existing = this.dirty.get(key);
    if (existing !== undefined) {
      // In place: a scan holding this entry may see the newer value, which a scan allows.
      existing.value = value;
      existing.timestamp = timestamp;
      return;
    }
    const entry: DirtyEntry<V> = { key, value, timestamp };
    this.dirty.set(key, entry);
    if (this.dirtyOrder !== null) this.unordered.push(key);
    if (this.dirty.size > this.maxEntries && !this.earlyFlushQueued) {
      this.earlyFlushQueued = true;
      // The failure, if any, is kept in `failure` and thrown by the next write or flush.
      this.flush().catch(() => undefined);
    }
  }

  private async flushOnce(): Promise<void> {
    this.earlyFlushQueued = false;
    if (this.failure !== undefined) throw this.failure;
    const batch = this.dirty;
    if (batch.size === 0) return;
    if (this.inner.status !== 'open')
      throw new StoreNotOpenError(this.name, this.inner.status, 'flush');
    const entries = sortEntries(Array.from(batch.values()));
    const ops = new Array<WriteOp>(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const value = entry.value === TOMBSTONE ? null : this.serialize(entry.key, entry.value);
      ops[i] = { key: entry.key, value, timestamp: entry.timestamp };
    }
    this.dirty = new Map<string, DirtyEntry<V>>();
    this.dropOrder();
    this.flushing = batch;
    try {
      await this.inner.write(ops);
    } catch (error) {
      // The backend and the changelog may now disagree with the cache: the store is done for.
      this.failure = error;
      throw error;
    }
    this.flushing = null;
    this.metrics.flushes++;
    this.metrics.flushedEntries += ops.length;
    this.rememberFlushed(entries);
  }

  /**
   * Puts the landed entries into the clean cache, in key order, except keys written again since.
   * Only the last `maxEntries` of them can survive that, so only those are put.
   */
  private rememberFlushed(entries: readonly DirtyEntry<V>[]): void {
    const dirty = this.dirty;
    let from = entries.length;
    for (let kept = 0; from > 0 && kept < this.maxEntries;) {
      if (!dirty.has(entries[--from].key)) kept++;
    }
    for (let i = from; i < entries.length; i++) {
      const entry = entries[i];
      if (dirty.has(entry.key)) continue;
      this.remember(entry.key, entry.value === TOMBSTONE ? ABSENT : entry.value);
    }
  }

  private async readBackend(range: KeyRange & { limit: number }): Promise<Entry<Bytes>[]> {
    const cursor = this.inner.cursor(range);
    try {
      const entries: Entry<Bytes>[] = [];
      while (entries.length < range.limit) {
        const chunk = await cursor.next(range.limit - entries.length);
        if (chunk.length === 0) break;
        for (let i = 0; i < chunk.length; i++) entries.push(chunk[i]);
      }
      return entries;
    } finally {
      await cursor.close();
    }
  }

  /** Waits until no flush is writing, so the backend plus `dirty` is the whole truth. */
  private async settle(): Promise<void> {
    for (;;) {
      // A failed flush leaves its batch in `flushing` for reads; it will never land.
      if (this.failure !== undefined) throw this.failure;
      if (this.flushing === null) return;
      await this.flushChain;
    }
  }

  private async *merged(range: KeyRange): AsyncIterableIterator<Entry<V>> {
    if (range.limit === 0) return;
    await this.settle();
    const bounds = boundsOf(range);
    bounds.reverse = range.reverse === true;
    // The entries captured here are either still dirty or a batch that landed in the backend
    // meanwhile; either way, preferring them on equal keys gives the newest value.
    yield* mergedScan(this.pendingCursor(bounds), this.inner.cursor(bounds), range, (key, bytes) =>
      this.deserialize(key, bytes),
    );
  }

  /**
   * The dirty entries within the bounds, in scan order. The first scans after a flush filter the
   * dirty map and sort what is in range (a time queue's loads, say, look past the keys its pops
   * made dirty); once scans have looked at more entries than a few trees' worth, later scans use
   * the kept tree, so a store scanned per record pays O(log n) per scan.
   */
  private pendingCursor(bounds: KeyRange): PendingCursor<V> {
    const dirty = this.dirty;
    if (this.dirtyOrder !== null || this.snapshotWork > SNAPSHOT_WORK_FACTOR * dirty.size) {
      return new TreeCursor(this.orderedDirty(), bounds);
    }
    this.snapshotWork += dirty.size;
    const low = bounds.gt ?? bounds.gte;
    const lowOpen = bounds.gt !== undefined;
    const high = bounds.lt ?? bounds.lte;
    const highOpen = bounds.lt !== undefined;
    // Native comparison is exact against a bound without code units >= U+D800.
    const slowLow = low !== undefined && needsSlowCompare(low);
    const slowHigh = high !== undefined && needsSlowCompare(high);
    const keys: string[] = [];
    for (const key of dirty.keys()) {
      if (low !== undefined) {
        const c = slowLow ? compareKeys(key, low) : key < low ? -1 : key > low ? 1 : 0;
        if (c < 0 || (c === 0 && lowOpen)) continue;
      }
      if (high !== undefined) {
        const c = slowHigh ? compareKeys(key, high) : key < high ? -1 : key > high ? 1 : 0;
        if (c > 0 || (c === 0 && highOpen)) continue;
      }
      keys.push(key);
    }
    sortKeys(keys);
    const entries = new Array<DirtyEntry<V>>(keys.length);
    for (let i = 0; i < keys.length; i++) entries[i] = dirty.get(keys[i]) as DirtyEntry<V>;
    return new SnapshotCursor(keys, entries, bounds.reverse === true);
  }

  /** The dirty entries as a key-ordered tree, brought up to date with the writes since the last. */
  private orderedDirty(): BPlusTree<DirtyEntry<V>> {
    const dirty = this.dirty;
    let tree = this.dirtyOrder;
    const added = this.unordered;
    if (tree !== null && added.length === 0) return tree;
    // Many new keys: sorting them all into a new tree is cheaper than one descent per key.
    const rebuild = tree === null || added.length * 4 > tree.size;
    const keys = sortKeys(rebuild ? Array.from(dirty.keys()) : added);
    if (rebuild || tree === null) tree = new BPlusTree<DirtyEntry<V>>();
    // Sorted inserts walk the tree left to right; into a new tree they only touch the last leaf.
    for (let i = 0; i < keys.length; i++) tree.set(keys[i], dirty.get(keys[i]) as DirtyEntry<V>);
    this.dirtyOrder = tree;
    this.unordered = [];
    return tree;
  }

  private dropOrder(): void {
    this.dirtyOrder = null;
    this.snapshotWork = 0;
    if (this.unordered.length > 0) this.unordered = [];
  }

  private remember(key: string, value: V | typeof ABSENT): void {
    this.clean.set(key, value);
  }

  private serialize(key: string, value: V): Bytes {
    try {
      return this.serde.serialize(value);
    } catch (error) {
      throw new StoreSerdeError(this.name, key, 'serialize', error);
    }
  }

  private deserialize(key: string, bytes: Bytes): V {
    try {
      return this.serde.deserialize(bytes);
    } catch (error) {
      throw new StoreSerdeError(this.name, key, 'deserialize', error);
    }
  }

  private checkOpen(operation: string): void {
    if (this.inner.status !== 'open')
      throw new StoreNotOpenError(this.name, this.inner.status, operation);
  }

  private check(operation: string, key: unknown): void {
    this.checkOpen(operation);
    if (!isValidKey(key)) {
      throw new InvalidKeyError(
        this.name,
        key,
        typeof key === 'string' ? 'has a lone surrogate' : 'is not a string',
      );
    }
  }

  private checkWritable(operation: string, key: unknown): void {
    this.check(operation, key);
    if (this.failure !== undefined) throw this.failure;
  }
}

/** The bounds of a range, without its limit and direction. */
function boundsOf(range: KeyRange): KeyRange {
  const bounds: KeyRange = {};
  if (range.gt !== undefined) bounds.gt = range.gt;
  if (range.gte !== undefined) bounds.gte = range.gte;
  if (range.lt !== undefined) bounds.lt = range.lt;
  if (range.lte !== undefined) bounds.lte = range.lte;
  return bounds;
}

/** Sorts dirty entries in place into UTF-8 order of their keys and returns them. */
function sortEntries<V>(entries: DirtyEntry<V>[]): DirtyEntry<V>[] {
  let slow = false;
  for (let i = 0; i < entries.length && !slow; i++) slow = needsSlowCompare(entries[i].key);
  entries.sort(slow ? bySlowKey : byKey);
  return entries;
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function bySlowKey(a: { key: string }, b: { key: string }): number {
  return compareKeys(a.key, b.key);
}

/** Sorts `keys` in place into UTF-8 order and returns it. */
function sortKeys(keys: string[]): string[] {
  let slow = false;
  for (let i = 0; i < keys.length && !slow; i++) slow = needsSlowCompare(keys[i]);
  // Without surrogates or U+E000-U+FFFF the default (UTF-16) sort is the UTF-8 order.
  if (slow) keys.sort(compareKeys);
  else keys.sort();
  return keys;
}
