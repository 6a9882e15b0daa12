/**
 * The persistent bytes backend: one LevelDB database (classic-level) per store, at
 * `<stateDir>/<taskId>/<storeName>`. Reads use `getSync` so processors never await; writes are
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

type BatchOp = { type: 'put'; key: string; value: Bytes } | { type: 'del'; key: string };

export class LevelDbStore extends BytesStore {
  readonly persistent = true;
  private db: Db | null = null;
  /** Exact key count once someone asked for it; kept up to date by writes from then on. */
  private knownCount: number | null = null;

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
    this.knownCount = null;
  }

  protected async _close(): Promise<void> {
    const db = this.db;
    this.db = null;
    this.knownCount = null;
    if (db !== null) await db.close();
  }

  protected _get(key: string): Bytes | undefined {
    try {
      return (this.db as Db).getSync(key);
    } catch (error) {
      throw this.readError(error);
    }
  }

  protected async _write(ops: readonly WriteOp[]): Promise<void> {
    const db = this.db as Db;
    const batch = new Array<BatchOp>(ops.length);
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      batch[i] =
        op.value === null
          ? { type: 'del', key: op.key }
          : { type: 'put', key: op.key, value: op.value };
    }
    const delta = this.knownCount === null ? 0 : this.countDelta(ops);
    try {
      await db.batch(batch);
    } catch (error) {
      throw new StoreWriteFailedError(this.name, this.location, {
        cause: error,
        details: { ops: ops.length },
      });
    }
    if (this.knownCount !== null) this.knownCount += delta;
  }

  protected _cursor(range: KeyRange): StoreCursor {
    const options: { gt?: string; gte?: string; lt?: string; lte?: string; reverse: boolean } = {
      reverse: range.reverse === true,
    };
    if (range.gt !== undefined) options.gt = range.gt;
    if (range.gte !== undefined) options.gte = range.gte;
    if (range.lt !== undefined) options.lt = range.lt;
    if (range.lte !== undefined) options.lte = range.lte;
    return new LevelCursor(this, (this.db as Db).iterator<string, Bytes>(options));
  }

  protected async _approximateCount(): Promise<number> {
    if (this.knownCount === null) {
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
      this.knownCount = count;
    }
    return this.knownCount;
  }

  protected async _clear(): Promise<void> {
    try {
      await (this.db as Db).clear();
    } catch (error) {
      throw new StoreWriteFailedError(this.name, this.location, { cause: error });
    }
    this.knownCount = 0;
  }

  /** @internal */
  readError(error: unknown): Error {
    if (errorCode(error) === 'LEVEL_CORRUPTION')
      return new StoreCorruptError(this.location, { cause: error });
    return new StoreReadFailedError(this.name, this.location, { cause: error });
  }

  /** How the key count changes when `ops` is applied, from the keys' presence before it. */
  private countDelta(ops: readonly WriteOp[]): number {
    const db = this.db as Db;
    const present = new Map<string, boolean>();
    for (let i = 0; i < ops.length; i++) present.set(ops[i].key, ops[i].value !== null);
    let delta = 0;
    for (const [key, after] of present) {
      const before = db.getSync(key) !== undefined;
      if (after !== before) delta += after ? 1 : -1;
    }
    return delta;
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
