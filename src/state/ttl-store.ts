/**
 * Time to live: a key not written for `ttlMs` is deleted, through the normal write path (so the
 * deletion reaches the changelog as a tombstone at the next flush).
 *
 * Expiry is driven by time, never by scanning the store: a companion TimeQueue (kept in its own
 * changelogged store, so it is restored with the data) holds key -> expiry, and `expire(now)` pops
 * what is due. Between expiry and removal the key already reads as absent.
 */
import { assertRange } from './key-order.js';
import type { TimeQueue } from './time-queue.js';
import { keysOfRange } from './range-keys.js';
import type {
  Entry,
  KeyChunk,
  KeyRange,
  KeyValueStore,
  StoreMetrics,
  StoreStatus,
} from './types.js';

const NO_PAYLOAD = new Uint8Array(0);

export class TtlStore<V> implements KeyValueStore<V> {
  /**
   * @param now the clock expiry is measured on (stream or wall time)
   */
  constructor(
    private readonly inner: KeyValueStore<V>,
    private readonly index: TimeQueue,
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly metrics: StoreMetrics,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get status(): StoreStatus {
    return this.inner.status;
  }

  prefetch(keys: readonly string[]): Promise<void> {
    return this.inner.prefetch?.(keys) ?? Promise.resolve();
  }

  prefetchRange(range: KeyRange): Promise<KeyChunk> {
    return this.inner.prefetchRange?.(range) ?? keysOfRange(this.inner, range);
  }

  get(key: string): V | undefined {
    const value = this.inner.get(key);
    if (value === undefined || this.isExpired(key, this.now())) return undefined;
    return value;
  }

  getMany(keys: readonly string[]): (V | undefined)[] {
    const values = this.inner.getMany(keys);
    const now = this.now();
    for (let i = 0; i < keys.length; i++) {
      if (values[i] !== undefined && this.isExpired(keys[i], now)) values[i] = undefined;
    }
    return values;
  }

  put(key: string, value: V): void {
    this.inner.put(key, value);
    const now = this.now();
    this.index.schedule(
      key,
      (Number.isFinite(now) && now > 0 ? Math.floor(now) : 0) + this.ttlMs,
      NO_PAYLOAD,
    );
  }

  delete(key: string): void {
    this.inner.delete(key);
    this.index.cancel(key);
  }

  range(range: KeyRange = {}): AsyncIterableIterator<Entry<V>> {
    assertRange(`store ${this.name} range`, range);
    // The limit is applied after dropping expired keys, so it cannot go to the layer below.
    const { limit, ...bounds } = range;
    return this.live(this.inner.range(bounds), limit ?? Infinity);
  }

  prefix(
    prefix: string,
    options: { limit?: number; reverse?: boolean } = {},
  ): AsyncIterableIterator<Entry<V>> {
    const reverse = options.reverse;
    return this.live(
      this.inner.prefix(prefix, reverse === undefined ? {} : { reverse }),
      options.limit ?? Infinity,
    );
  }

  /** Counts expired keys that are not removed yet. */
  approximateCount(): Promise<number> {
    return this.inner.approximateCount();
  }

  /** Deletes every key whose expiry is <= now; resolves to how many it deleted. */
  async expire(now: number): Promise<number> {
    let expired = 0;
    for (;;) {
      if (this.index.needsLoad(now)) await this.index.load(now);
      const due = this.index.popDue(now);
      if (due === undefined) break;
      this.inner.delete(due.id);
      expired++;
    }
    this.metrics.expired += expired;
    return expired;
  }

  /** The instant `key` expires, or undefined if it is not in the store. */
  expiryOf(key: string): number | undefined {
    return this.index.timeOf(key);
  }

  private isExpired(key: string, now: number): boolean {
    const expiry = this.index.timeOf(key);
    return expiry !== undefined && expiry <= now;
  }

  private async *live(
    entries: AsyncIterableIterator<Entry<V>>,
    limit: number,
  ): AsyncIterableIterator<Entry<V>> {
    if (limit <= 0) return;
    let emitted = 0;
    const now = this.now();
    for await (const entry of entries) {
      if (this.isExpired(entry.key, now)) continue;
      yield entry;
      if (++emitted >= limit) return;
    }
  }
}
