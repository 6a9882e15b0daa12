/**
 * The outermost layer: counts reads and writes into the store's `StoreMetrics` (the runtime
 * exports them; this layer knows nothing of prom-client). The caching and TTL layers below count
 * cache hits, flushes and expiries into the same object.
 */
import { keysOfRange } from './range-keys.js';
import type {
  Entry,
  KeyChunk,
  KeyRange,
  KeyValueStore,
  StoreMetrics,
  StoreStatus,
} from './types.js';

export function createStoreMetrics(): StoreMetrics {
  return { gets: 0, cacheHits: 0, puts: 0, deletes: 0, flushes: 0, flushedEntries: 0, expired: 0 };
}

export class MeteredStore<V> implements KeyValueStore<V> {
  constructor(
    private readonly inner: KeyValueStore<V>,
    readonly metrics: StoreMetrics,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get status(): StoreStatus {
    return this.inner.status;
  }

  get(key: string): V | undefined {
    this.metrics.gets++;
    return this.inner.get(key);
  }

  getMany(keys: readonly string[]): (V | undefined)[] {
    this.metrics.gets += keys.length;
    return this.inner.getMany(keys);
  }

  prefetch(keys: readonly string[]): Promise<void> {
    return this.inner.prefetch?.(keys) ?? Promise.resolve();
  }

  prefetchRange(range: KeyRange): Promise<KeyChunk> {
    return this.inner.prefetchRange?.(range) ?? keysOfRange(this.inner, range);
  }

  put(key: string, value: V): void {
    this.metrics.puts++;
    this.inner.put(key, value);
  }

  delete(key: string): void {
    this.metrics.deletes++;
    this.inner.delete(key);
  }

  range(range?: KeyRange): AsyncIterableIterator<Entry<V>> {
    return this.inner.range(range);
  }

  prefix(
    prefix: string,
    options?: { limit?: number; reverse?: boolean },
  ): AsyncIterableIterator<Entry<V>> {
    return this.inner.prefix(prefix, options);
  }

  approximateCount(): Promise<number> {
    return this.inner.approximateCount();
  }
}
