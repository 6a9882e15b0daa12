/**
 * The persistent bytes backend: one LevelDB database (classic-level) per store, at
 * `<stateDir>/<taskId>/<storeName>`. Reads use `getSync` so processors never await (reads ahead,
 * for a sweep's next customers, use `getMany` on LevelDB's threads); writes are
 * one `batch()` per flush; scans read `nextv()` chunks. LevelDB iterators read from an implicit
 * snapshot taken when the scan starts.
 */
import { ClassicLevel } from 'classic-level';
import { errorCode, errorMessage } from '../errors/index.js';
import { BytesStore } from './bytes-store.js';
import {
  StoreCorruptError,
  StoreLockedError,
  StoreOpenFailedError,
  StoreReadFailedError,
  StoreWriteFailedError,
} from './errors.js';
import type { Bytes, Entry, KeyRange, StoreCursor, WriteOp } from './types.js';

type Db = ClassicLevel<string, Bytes>;
/** The part of a classic-level iterator a cursor uses. */
interface EntryIterator {
  nextv(size: number): Promise<[string, Bytes][]>;
  close(): Promise<void>;
}

/**
 * A counted store this large with this few writes since its count (a tenth of it at most) answers
 * approximateCount with that count instead of counting again.
 */
const RECOUNT_MIN_KEYS = 10_000;
const RECOUNT_DRIFT = 0.1;
/**
 * How many bytes one `nextv` may gather. classic-level's default (16 KiB) cuts a 1000-state chunk
 * into a dozen round trips to its threads; this lets one trip fill a chunk of states up to 1 KiB each.
 */
const SCAN_CHUNK_BYTES = 1 << 20;
/**
 * Keys per `getMany` of a read-ahead: classic-level reads one `getMany` on one thread, key after
 * key, so a large read-ahead is split to run on several of libuv's threads at once.
 */
const READ_AHEAD_SLICE = 256;

export class LevelDbStore extends BytesStore {
  readonly persistent = true;
  private db: Db | null = null;
  /**
   * The key count at the last count (a full key scan, run when someone asks), and how many write
   * operations have landed since. Writes never read to keep the count exact: that would double
   * the reads of the write path.
   */
  private countedKeys: number | null = null;
  private opsSinceCount = 0;

  constructor(name: string, path: string) {
    super(name, path);
  }

  protected async _open(): Promise<void> {
    const db: Db = new ClassicLevel<string, Bytes>(this.location, {
      keyEncoding: 'utf8',
      valueEncoding: 'view',
    });
    try {
      await db.open({ createIfMissing: true });
    } catch (error) {
      throw openError(this.location, error);
    }
    this.db = db;
    this.countedKeys = null;
  }

  protected async _close(): Promise<void> {
    const db = this.db;
    this.db = null;
    this.countedKeys = null;
    if (db !== null) await db.close();
  }

  protected _get(key: string): Bytes | undefined {
    try {
      return (this.db as Db).getSync(key);
    } catch (error) {
      throw this.readError(error);
    }
  }

  protected override async _readAhead(keys: readonly string[]): Promise<(Bytes | undefined)[]> {
    const db = this.db as Db;
    try {
      if (keys.length <= READ_AHEAD_SLICE) return await db.getMany(keys as string[]);
      const slices: Promise<(Bytes | undefined)[]>[] = [];
      for (let from = 0; from < keys.length; from += READ_AHEAD_SLICE)
        slices.push(db.getMany(keys.slice(from, from + READ_AHEAD_SLICE)));
      return (await Promise.all(slices)).flat();
    } catch (error) {
      throw this.readError(error);
    }
  }

  protected async _write(ops: readonly WriteOp[]): Promise<void> {
    // A chained batch: no operation object per key.
    const batch = (this.db as Db).batch();
    try {
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i];
        if (op.value === null) batch.del(op.key);
        else batch.put(op.key, op.value);
      }
      await batch.write();
    } catch (error) {
      await closeQuietly(batch);
      throw new StoreWriteFailedError(this.name, this.location, {
        cause: error,
        details: { ops: ops.length },
      });
    }
    this.opsSinceCount += ops.length;
  }

  protected _cursor(range: KeyRange): StoreCursor {
    const options: {
      gt?: string;
      gte?: string;
      lt?: string;
      lte?: string;
      reverse: boolean;
      highWaterMarkBytes: number;
    } = { reverse: range.reverse === true, highWaterMarkBytes: SCAN_CHUNK_BYTES };
    if (range.gt !== undefined) options.gt = range.gt;
    if (range.gte !== undefined) options.gte = range.gte;
    if (range.lt !== undefined) options.lt = range.lt;
    if (range.lte !== undefined) options.lte = range.lte;
    return new LevelCursor(this, (this.db as Db).iterator<string, Bytes>(options));
  }

  /** Exact for small stores; for large ones, up to a tenth of the count in writes out of date. */
  protected async _approximateCount(): Promise<number> {
    const counted = this.countedKeys;
    if (
      counted !== null &&
      (this.opsSinceCount === 0 ||
        (counted >= RECOUNT_MIN_KEYS && this.opsSinceCount <= counted * RECOUNT_DRIFT))
    ) {
      return counted;
    }
    // The iterator reads a snapshot taken now; writes landing during the count are drift.
    this.opsSinceCount = 0;
    const keys = (this.db as Db).keys();
    let count = 0;
    try {
      for (;;) {
        const chunk = await keys.nextv(4096);
        if (chunk.length === 0) break;
        count += chunk.length;
      }
    } finally {
      await keys.close();
    }
    this.countedKeys = count;
    return count;
  }

  protected async _clear(): Promise<void> {
    try {
      await (this.db as Db).clear();
    } catch (error) {
      throw new StoreWriteFailedError(this.name, this.location, { cause: error });
    }
    this.countedKeys = 0;
    this.opsSinceCount = 0;
  }

  /** @internal */
  readError(error: unknown): Error {
    if (errorCode(error) === 'LEVEL_CORRUPTION')
      return new StoreCorruptError(this.location, { cause: error });
    return new StoreReadFailedError(this.name, this.location, { cause: error });
  }
}

class LevelCursor implements StoreCursor {
  constructor(
    private readonly store: LevelDbStore,
    private readonly iterator: EntryIterator,
  ) {}

  async next(max: number): Promise<Entry<Bytes>[]> {
    let chunk: [string, Bytes][];
    try {
      chunk = await this.iterator.nextv(max);
    } catch (error) {
      throw this.store.readError(error);
    }
    const out = new Array<Entry<Bytes>>(chunk.length);
    for (let i = 0; i < chunk.length; i++) out[i] = { key: chunk[i][0], value: chunk[i][1] };
    return out;
  }

  close(): Promise<void> {
    return this.iterator.close();
  }
}

function openError(path: string, error: unknown): Error {
  // abstract-level wraps the real reason in LEVEL_DATABASE_NOT_OPEN; look at the cause.
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  switch (errorCode(cause)) {
    case 'LEVEL_LOCKED':
      return new StoreLockedError(path, { cause: error });
    case 'LEVEL_CORRUPTION':
      return new StoreCorruptError(path, { cause: error });
    default:
      return new StoreOpenFailedError(path, errorMessage(cause), { cause: error });
  }
}

async function closeQuietly(batch: { close(): Promise<void> }): Promise<void> {
  try {
    await batch.close();
  } catch {
    // The write failure being reported matters more than a failure to release the batch.
  }
}
