/**
 * The change-logging layer: after a batch reaches the bytes store below, every operation of the
 * batch becomes one changelog record (a null value, a tombstone, for a delete), in batch order.
 * The write cache hands it one batch per flush with each dirty key once, in key order.
 *
 * The record is appended after the local write succeeded: if the write fails the task is failed
 * anyway and its transaction, which holds the changelog records, is aborted.
 */
import { BytesStore } from './bytes-store.js';
import type { Bytes, ChangelogSink, KeyRange, StoreCursor, WriteOp } from './types.js';

export class ChangeLoggingStore extends BytesStore {
  readonly persistent: boolean;

  /**
   * @param timestamp the time stamped on records whose operation carries none (stream time)
   */
  constructor(
    private readonly inner: BytesStore,
    private readonly sink: ChangelogSink,
    private readonly timestamp: () => number,
  ) {
    super(inner.name, inner.location);
    this.persistent = inner.persistent;
  }

  protected _open(): Promise<void> {
    return this.inner.open();
  }

  protected _close(): Promise<void> {
    return this.inner.close();
  }

  protected _get(key: string): Bytes | undefined {
    return this.inner.getUnchecked(key);
  }

  protected override _getMany(keys: readonly string[]): (Bytes | undefined)[] {
    return this.inner.getMany(keys);
  }

  protected override _readAhead(keys: readonly string[]): Promise<(Bytes | undefined)[]> {
    return this.inner.readAhead(keys);
  }

  protected async _write(ops: readonly WriteOp[]): Promise<void> {
    await this.inner.writeUnchecked(ops);
    const store = this.name;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      this.sink.append({
        store,
        key: op.key,
        value: op.value,
        timestamp: op.timestamp ?? this.timestamp(),
      });
    }
  }

  protected _cursor(range: KeyRange): StoreCursor {
    return this.inner.cursor(range);
  }

  protected _approximateCount(): Promise<number> {
    return this.inner.approximateCount();
  }

  /** Deletes key by key so that the changelog gets a tombstone for each (a restore then agrees). */
  protected async _clear(): Promise<void> {
    const cursor = this.inner.cursor({});
    try {
      for (;;) {
        const chunk = await cursor.next(1024);
        if (chunk.length === 0) break;
        const ops = new Array<WriteOp>(chunk.length);
        for (let i = 0; i < chunk.length; i++) ops[i] = { key: chunk[i].key, value: null };
        await this._write(ops);
      }
    } finally {
      await cursor.close();
    }
  }
}
