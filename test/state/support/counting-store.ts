import { MemoryStore } from '../../../src/state/index.js';
import type { Bytes, KeyRange, StoreCursor, WriteOp } from '../../../src/state/index.js';

/** A memory backend that remembers every batch it was given, and can be told to fail. */
export class CountingMemoryStore extends MemoryStore {
  readonly batches: WriteOp[][] = [];
  /** The sizes scans asked of the backend, one per `next(max)`. */
  readonly scanChunks: number[] = [];
  /** Keys read one at a time (`getUnchecked`, the cache's miss path). */
  readonly directGets: string[] = [];
  /** Keys read ahead, one array per read. */
  readonly readsAhead: string[][] = [];
  private readGate: Promise<void> | null = null;
  private scanGate: Promise<void> | null = null;
  /** Makes every read ahead fail with this. */
  readAheadFails: Error | null = null;

  override getUnchecked(key: string): Bytes | undefined {
    this.directGets.push(key);
    return super.getUnchecked(key);
  }

  /**
   * Makes the next read ahead take its values now but answer only at `release()`, as a LevelDB
   * read on another thread answers after writes made meanwhile.
   */
  holdReadAhead(): { release: () => void } {
    let release = (): void => undefined;
    this.readGate = new Promise<void>((resolve) => (release = resolve));
    return { release };
  }

  protected override async _readAhead(keys: readonly string[]): Promise<(Bytes | undefined)[]> {
    this.readsAhead.push([...keys]);
    if (this.readAheadFails !== null) throw this.readAheadFails;
    const values = this._getMany(keys);
    const gate = this.readGate;
    this.readGate = null;
    if (gate !== null) await gate;
    return values;
  }
  failNext: Error | null = null;
  private gate: Promise<void> | null = null;
  private entered: (() => void) | null = null;

  /**
   * Makes the next write wait until `release()`; `started` resolves once that write is waiting.
   */
  hold(): { started: Promise<void>; release: () => void } {
    let release = (): void => undefined;
    this.gate = new Promise<void>((resolve) => (release = resolve));
    const started = new Promise<void>((resolve) => (this.entered = resolve));
    return { started, release };
  }

  /** Makes the next scan's first chunk take its entries now but answer only at `release()`. */
  holdScan(): { release: () => void } {
    let release = (): void => undefined;
    this.scanGate = new Promise<void>((resolve) => (release = resolve));
    return { release };
  }

  protected override _cursor(range: KeyRange): StoreCursor {
    const cursor = super._cursor(range);
    const chunks = this.scanChunks;
    let gate = this.scanGate;
    this.scanGate = null;
    return {
      async next(max: number) {
        chunks.push(max);
        const entries = await cursor.next(max);
        if (gate !== null) await gate;
        gate = null;
        return entries;
      },
      close: () => cursor.close(),
    };
  }

  protected override async _write(ops: readonly WriteOp[]): Promise<void> {
    if (this.gate !== null) {
      const gate = this.gate;
      this.gate = null;
      this.entered?.();
      await gate;
    }
    if (this.failNext !== null) {
      const error = this.failNext;
      this.failNext = null;
      throw error;
    }
    this.batches.push([...ops]);
    return super._write(ops);
  }
}
