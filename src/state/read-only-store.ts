/**
 * A read-only view of a store, for state a processor may consult but not change: global tables,
 * whose only writer is the runtime reading their topic.
 */
import { StoreReadOnlyError } from './errors.js';
import { keysOfRange } from './range-keys.js';
import type { Entry, KeyChunk, KeyRange, KeyValueStore, StoreStatus } from './types.js';

export function readOnlyView<V>(store: KeyValueStore<V>): KeyValueStore<V> {
  return new ReadOnlyStore(store);
}

class ReadOnlyStore<V> implements KeyValueStore<V> {
  constructor(private readonly inner: KeyValueStore<V>) {}

  get name(): string {
    return this.inner.name;
  }

  get status(): StoreStatus {
    return this.inner.status;
  }

  get(key: string): V | undefined {
    return this.inner.get(key);
  }

  getMany(keys: readonly string[]): (V | undefined)[] {
    return this.inner.getMany(keys);
  }

  prefetch(keys: readonly string[]): Promise<void> {
    return this.inner.prefetch?.(keys) ?? Promise.resolve();
  }

  prefetchRange(range: KeyRange): Promise<KeyChunk> {
    return this.inner.prefetchRange?.(range) ?? keysOfRange(this.inner, range);
  }

  put(key: string): void {
    throw new StoreReadOnlyError(this.inner.name, 'put', key);
  }

  delete(key: string): void {
    throw new StoreReadOnlyError(this.inner.name, 'delete', key);
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
