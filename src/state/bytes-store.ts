/**
 * The template for a bytes backend (string key -> Uint8Array). Public methods check the lifecycle
 * and the arguments, then call the implementation's `_open`, `_get`, `_write`, `_cursor`, ...
 * which may assume both are fine.
 *
 * Lifecycle: `closed -> opening -> open -> closing -> closed`. `open()` and `close()` are
 * idempotent: calling either while the same transition runs returns that transition's promise,
 * and calling `open()` while closing (or `close()` while opening) waits for the first transition.
 */
import { InvalidKeyError, InvalidStateArgumentError, StoreNotOpenError } from './errors.js';
import { assertRange, isValidKey, prefixRange } from './key-order.js';
import type { Bytes, Entry, KeyRange, StoreCursor, StoreStatus, WriteOp } from './types.js';

const FIRST_CHUNK = 64;
const MAX_CHUNK = 1024;

export abstract class BytesStore {
  private currentStatus: StoreStatus = 'closed';
  private transition: Promise<void> | null = null;

  /**
   * @param name the store's name, used in errors and changelog records
   * @param location where the data lives (a directory, or `memory:<name>`), used in errors
   */
  constructor(
    readonly name: string,
    readonly location: string,
  ) {}

  get status(): StoreStatus {
    return this.currentStatus;
  }

  /** Whether the data outlives a close (and the process). */
  abstract readonly persistent: boolean;

  open(): Promise<void> {
    switch (this.currentStatus) {
      case 'open':
        return Promise.resolve();
      case 'opening':
        return this.transition as Promise<void>;
      case 'closing':
        return (this.transition as Promise<void>).then(
          () => this.open(),
          () => this.open(),
        );
      case 'closed':
        break;
    }
    this.currentStatus = 'opening';
    const transition = this._open().then(
      () => {
        this.currentStatus = 'open';
        this.transition = null;
      },
      (error: unknown) => {
        this.currentStatus = 'closed';
        this.transition = null;
        throw error;
      },
    );
    this.transition = transition;
    return transition;
  }

  close(): Promise<void> {
    switch (this.currentStatus) {
      case 'closed':
        return Promise.resolve();
      case 'closing':
        return this.transition as Promise<void>;
      case 'opening':
        return (this.transition as Promise<void>).then(
          () => this.close(),
          () => this.close(),
        );
      case 'open':
        break;
    }
    this.currentStatus = 'closing';
    const transition = this._close().then(
      () => {
        this.currentStatus = 'closed';
        this.transition = null;
      },
      (error: unknown) => {
        // A failed close leaves nothing usable behind; report closed so open() can try again.
        this.currentStatus = 'closed';
        this.transition = null;
        throw error;
      },
    );
    this.transition = transition;
    return transition;
  }

  get(key: string): Bytes | undefined {
    this.assertOpen('get');
    this.assertKey(key);
    return this._get(key);
  }

  /**
   * @internal `get` for a layer above that has already checked the key (the write cache, the
   * change-logging layer): the per-read key check is not repeated at every layer.
   */
  getUnchecked(key: string): Bytes | undefined {
    this.assertOpen('get');
    return this._get(key);
  }

  getMany(keys: readonly string[]): (Bytes | undefined)[] {
    this.assertOpen('getMany');
    if (!Array.isArray(keys))
      throw new InvalidStateArgumentError(`store ${this.name} getMany`, 'keys must be an array');
    for (let i = 0; i < keys.length; i++) this.assertKey(keys[i]);
    return this._getMany(keys);
  }

  /**
   * @internal An asynchronous `getMany` for the write cache's read-ahead (keys already checked):
   * LevelDB reads on its own threads, so the processing thread does not wait on disk.
   */
  async readAhead(keys: readonly string[]): Promise<(Bytes | undefined)[]> {
    this.assertOpen('readAhead');
    return this._readAhead(keys);
  }

  /** Applies every operation or none. Later operations on the same key win. */
  write(ops: readonly WriteOp[]): Promise<void> {
    this.assertOpen('write');
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      this.assertKey(op.key);
      if (op.value !== null && !(op.value instanceof Uint8Array)) {
        throw new InvalidStateArgumentError(
          `store ${this.name} write`,
          `ops[${i}].value for key ${JSON.stringify(op.key)} must be a Uint8Array or null`,
        );
      }
    }
    if (ops.length === 0) return Promise.resolve();
    return this._write(ops);
  }

  /** @internal `write` for a layer above that has already checked every operation. */
  writeUnchecked(ops: readonly WriteOp[]): Promise<void> {
    this.assertOpen('write');
    if (ops.length === 0) return Promise.resolve();
    return this._write(ops);
  }

  /** A chunked scan; the caller must close it (iterate() does so for you). */
  cursor(range: KeyRange = {}): StoreCursor {
    this.assertOpen('cursor');
    assertRange(`store ${this.name} range`, range);
    return new CheckedCursor(this, this._cursor(range), range.limit ?? Infinity);
  }

  /** Entries in key order (or reverse) within the range, read in growing chunks. */
  iterate(range: KeyRange = {}): AsyncIterableIterator<Entry<Bytes>> {
    return drain(this.cursor(range));
  }

  prefix(
    prefix: string,
    options: { limit?: number; reverse?: boolean } = {},
  ): AsyncIterableIterator<Entry<Bytes>> {
    this.assertKey(prefix);
    return this.iterate(prefixRange(prefix, options));
  }

  approximateCount(): Promise<number> {
    this.assertOpen('approximateCount');
    return this._approximateCount();
  }

  /** Deletes every key. */
  clear(): Promise<void> {
    this.assertOpen('clear');
    return this._clear();
  }

  protected abstract _open(): Promise<void>;
  protected abstract _close(): Promise<void>;
  protected abstract _get(key: string): Bytes | undefined;
  protected abstract _write(ops: readonly WriteOp[]): Promise<void>;
  /** May ignore `range.limit`: the public cursor enforces it. */
  protected abstract _cursor(range: KeyRange): StoreCursor;
  protected abstract _approximateCount(): Promise<number>;
  protected abstract _clear(): Promise<void>;

  protected _readAhead(keys: readonly string[]): Promise<(Bytes | undefined)[]> {
    return Promise.resolve(this._getMany(keys));
  }

  protected _getMany(keys: readonly string[]): (Bytes | undefined)[] {
    const out = new Array<Bytes | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = this._get(keys[i]);
    return out;
  }

  /** @internal used by cursors to fail once the store has closed under them. */
  assertOpen(operation: string): void {
    if (this.currentStatus !== 'open')
      throw new StoreNotOpenError(this.name, this.currentStatus, operation);
  }

  private assertKey(key: unknown): void {
    if (!isValidKey(key)) {
      throw new InvalidKeyError(
        this.name,
        key,
        typeof key === 'string' ? 'has a lone surrogate' : 'is not a string',
      );
    }
  }
}

class CheckedCursor implements StoreCursor {
  private closed = false;

  constructor(
    private readonly store: BytesStore,
    private readonly inner: StoreCursor,
    private remaining: number,
  ) {}

  async next(max: number): Promise<Entry<Bytes>[]> {
    if (this.closed || this.remaining <= 0) return [];
    this.store.assertOpen('range');
    const chunk = await this.inner.next(Math.min(max, this.remaining));
    this.remaining -= chunk.length;
    return chunk;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return this.inner.close();
  }
}

/** Turns a cursor into an async iterator that closes the cursor however the loop ends. */
export async function* drain(cursor: StoreCursor): AsyncIterableIterator<Entry<Bytes>> {
  try {
    let size = FIRST_CHUNK;
    for (;;) {
      const chunk = await cursor.next(size);
      if (chunk.length === 0) return;
      for (let i = 0; i < chunk.length; i++) yield chunk[i];
      if (size < MAX_CHUNK) size *= 2;
    }
  } finally {
    await cursor.close();
  }
}
