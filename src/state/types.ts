/**
 * The public shapes of the state layer. Everything above `src/state/` sees stores only through
 * these interfaces.
 *
 * Keys are strings everywhere and order by their UTF-8 bytes (LevelDB's order), in memory too, so
 * a range or prefix scan returns the same entries in the same order on every backend.
 *
 * Reads and writes are synchronous on purpose: a processor reads and writes its stores the way a
 * Kafka Streams processor does (RocksDB is synchronous), so the hot path has no per-record
 * promise. Writes land in a per-task write cache and reach the backend in one batch per commit.
 * Only iteration, flushing, opening and closing are asynchronous.
 */

export type Bytes = Uint8Array;

/** Turns values into bytes and back. Must be deterministic: equal values give equal bytes. */
export interface Serde<T> {
  serialize(value: T): Bytes;
  deserialize(bytes: Bytes): T;
}

export interface KeyRange {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  /** At most this many entries (default: no limit). */
  limit?: number;
  reverse?: boolean;
}

export interface Entry<V> {
  key: string;
  value: V;
}

/** The next live keys of a forward range read ahead, and the bound the chunk after starts from. */
export interface KeyChunk {
  keys: string[];
  /** Use as `gt` for the next chunk; undefined when the range has nothing more. */
  after: string | undefined;
}

export type StoreStatus = 'opening' | 'open' | 'closing' | 'closed';

/** A key-value store as processors see it. */
export interface KeyValueStore<V> {
  readonly name: string;
  readonly status: StoreStatus;
  /**
   * May return the store's cached object itself: do not mutate it unless you `put` it back, or
   * the change may or may not reach the backend and the changelog.
   */
  get(key: string): V | undefined;
  /** One value (or undefined) per key, in the order asked. */
  getMany(keys: readonly string[]): (V | undefined)[];
  /**
   * Reads these keys from disk off the processing thread, so that `get`s soon after find them in
   * memory. A hint: `get` is right with or without it, and a write since wins over what was read.
   */
  prefetch?(keys: readonly string[]): Promise<void>;
  /**
   * The next keys of a forward range (`limit` of them at most), read off the processing thread
   * with their values kept for the `get`s that follow, as `prefetch` keeps them. A sweep over a
   * store reads its next chunk this way while it visits the current one.
   */
  prefetchRange?(range: KeyRange): Promise<KeyChunk>;
  put(key: string, value: V): void;
  delete(key: string): void;
  /** Entries in key order within the range. Sees every write made so far, flushed or not. */
  range(range?: KeyRange): AsyncIterableIterator<Entry<V>>;
  /** Entries whose key starts with `prefix`, in key order. */
  prefix(
    prefix: string,
    options?: { limit?: number; reverse?: boolean },
  ): AsyncIterableIterator<Entry<V>>;
  /** A cheap estimate of the number of keys (exact for the in-memory backend). */
  approximateCount(): Promise<number>;
}

/** One change to a store, as it travels on the store's changelog (null value: a tombstone). */
export interface ChangelogRecord {
  store: string;
  key: string;
  value: Bytes | null;
  /** The stream time of the write, carried as the changelog record's timestamp. */
  timestamp: number;
}

/** Where a store's changes go. The runtime decides: an in-memory topic, or a Kafka transaction. */
export interface ChangelogSink {
  append(record: ChangelogRecord): void;
}

/** What a store needs from the task that owns it. */
export interface StoreContext {
  /** The task's id, e.g. `0_3` (sub-topology 0, partition 3). */
  readonly taskId: string;
  /** The task's stream time: the largest record timestamp processed so far. */
  streamTime(): number;
  /** The wall-clock time, from an injectable clock. */
  wallClockTime(): number;
  readonly changelog: ChangelogSink;
}

export type StoreBackend = 'leveldb' | 'memory';

/** How a store is built; the topology declares these, the task opens them. */
export interface StoreSpec<V = unknown> {
  name: string;
  backend: StoreBackend;
  valueSerde: Serde<V>;
  /** Write every change to a changelog (default true). */
  changelog?: boolean;
  /** Keys not written for this long are deleted, with a changelog tombstone. */
  ttl?: { ms: number; clock: 'stream' | 'wall' };
  /** Most entries the write cache keeps between commits before it must flush early (default 10000). */
  cacheMaxEntries?: number;
}

/** Counters a store keeps about itself; the runtime exports them as metrics. */
export interface StoreMetrics {
  gets: number;
  cacheHits: number;
  puts: number;
  deletes: number;
  flushes: number;
  flushedEntries: number;
  expired: number;
}

/** One operation of an atomic write batch to a bytes store; a null value deletes the key. */
export interface WriteOp {
  key: string;
  value: Bytes | null;
  /** When the change was made (stream time); the change-logging layer carries it to the changelog. */
  timestamp?: number;
}

/**
 * A position in a scan of a bytes store. `next(max)` resolves to up to `max` further entries in
 * order, and to an empty array once the range is exhausted.
 */
export interface StoreCursor {
  next(max: number): Promise<Entry<Bytes>[]>;
  close(): Promise<void>;
}

/** One record read back from a changelog topic during restore. */
export interface RestoreRecord {
  key: string;
  /** null: a tombstone, the key is deleted. */
  value: Bytes | null;
  /** The record's offset in the changelog partition. */
  offset: number;
}
