/**
 * A durable queue of `(id, time, payload)` entries ordered by time, then id (UTF-8 order), kept in
 * a `KeyValueStore<Bytes>` under a key prefix so several queues can share one store:
 *
 *   `<prefix>t<time: 14 hex digits>:<id>` -> payload   (by time; fixed width makes key order time order)
 *   `<prefix>i<id>`                        -> time (8-byte big-endian float64)
 *
 * Only a bounded "head" of the earliest entries is in memory. The head holds every entry whose
 * time key is <= the watermark key (all of them once `complete`); entries beyond the watermark
 * live only in the store. Popping past the watermark needs `await load(upTo)`, which scans the
 * next chunk starting at the watermark, never from the beginning. So millions of pending entries
 * cost memory only in the store.
 *
 * After the store is reopened or restored underneath the queue, make a new queue or call
 * `reset()`: the head is rebuilt by `load`.
 */
import { InvalidKeyError, InvalidStateArgumentError, TimeQueueNotLoadedError } from './errors.js';
import { compareKeys, isValidKey, needsSlowCompare } from './key-order.js';
import { TimeQueueHead } from './time-queue-head.js';
import type { HeadEntry } from './time-queue-head.js';
import type { Bytes, KeyValueStore } from './types.js';

export interface QueueEntry {
  id: string;
  time: number;
  payload: Bytes;
}

export interface TimeQueueOptions {
  /** Most entries kept in memory (default 4096). */
  headSize?: number;
  /** Most entries one `load` reads (default: half the head). */
  loadChunk?: number;
  /** For error messages (default: the store's name and the prefix). */
  name?: string;
}

const TIME_DIGITS = 14;
const SEPARATOR = ':';

/** A change beyond the watermark made while a load ran; `entry` null: a removal. */
interface JournalOp {
  time: number;
  id: string;
  slowId: boolean;
  entry: HeadEntry | null;
}

export class TimeQueue {
  private readonly byTime: string;
  private readonly byTimeEnd: string;
  private readonly byId: string;
  private readonly headSize: number;
  private readonly loadChunk: number;
  private readonly label: string;
  private readonly head = new TimeQueueHead();
  /** The key of the last entry the head covers (the prefix alone: none); also as (time, id). */
  private watermarkKey: string;
  private watermarkTime = -Infinity;
  private watermarkId = '';
  private watermarkSlowId = false;
  private complete = false;
  /** Bumped whenever the watermark moves down, so a load that raced it discards its result. */
  private generation = 0;
  private loading: Promise<void> | null = null;
  /** Changes beyond the watermark made while a load runs; replayed onto what it read. */
  private journal: JournalOp[] | null = null;

  constructor(
    private readonly store: KeyValueStore<Bytes>,
    prefix = '',
    options: TimeQueueOptions = {},
  ) {
    this.label =
      options.name ?? `${store.name}${prefix === '' ? '' : ` prefix ${JSON.stringify(prefix)}`}`;
    if (!isValidKey(prefix))
      throw new InvalidKeyError(store.name, prefix, 'is not a valid time queue prefix');
    this.headSize = options.headSize ?? 4096;
    this.loadChunk = options.loadChunk ?? Math.max(1, this.headSize >> 1);
    for (const [field, value] of [
      ['headSize', this.headSize],
      ['loadChunk', this.loadChunk],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new InvalidStateArgumentError(
          `time queue ${this.label}`,
          `${field} must be a positive integer, got ${value}`,
        );
      }
    }
    this.byTime = prefix + 't';
    this.byTimeEnd = prefix + 'u';
    this.byId = prefix + 'i';
    this.watermarkKey = this.byTime;
  }

  /**
   * Adds an entry, replacing any entry with the same id. `current` is where the caller knows the
   * id's entry to be now (Infinity: none), which saves reading it; a wrong one leaves a stale entry
   * that fires as well, so give it only when it is exact.
   */
  schedule(id: string, time: number, payload: Bytes, current?: number): void {
    this.checkId(id);
    if (!Number.isSafeInteger(time) || time < 0) {
      throw new InvalidStateArgumentError(
        `time queue ${this.label} schedule(${JSON.stringify(id)})`,
        `time must be a non-negative integer (epoch ms), got ${time}`,
      );
    }
    if (!(payload instanceof Uint8Array)) {
      throw new InvalidStateArgumentError(
        `time queue ${this.label} schedule(${JSON.stringify(id)})`,
        'payload must be a Uint8Array',
      );
    }
    const slowId = needsSlowCompare(id);
    const byIdKey = this.byId + id;
    const previous = current ?? this.storedTime(byIdKey);
    if (Number.isFinite(previous)) this.removeEntry(previous, id, slowId);
    const key = this.timeKey(time, id);
    this.store.put(key, payload);
    this.store.put(byIdKey, encodeTime(time));
    if (this.complete || this.withinWatermark(time, id, slowId)) {
      this.head.insert({ key, id, time, payload, slowId });
      this.trim();
    } else if (this.journal !== null) {
      this.journal.push({ time, id, slowId, entry: { key, id, time, payload, slowId } });
    }
  }

  /** Removes the entry with this id; false if there was none. `current` as for schedule. */
  cancel(id: string, current?: number): boolean {
    this.checkId(id);
    const byIdKey = this.byId + id;
    const previous = current ?? this.storedTime(byIdKey);
    if (!Number.isFinite(previous)) return false;
    this.removeEntry(previous, id, needsSlowCompare(id));
    this.store.delete(byIdKey);
    return true;
  }

  private storedTime(byIdKey: string): number {
    const stored = this.store.get(byIdKey);
    return stored === undefined ? Infinity : decodeTime(stored);
  }

  timeOf(id: string): number | undefined {
    const bytes = this.store.get(this.byId + id);
    return bytes === undefined ? undefined : decodeTime(bytes);
  }

  /** True when `popDue(upTo)` could miss a due entry unless `load(upTo)` runs first. */
  needsLoad(upTo: number): boolean {
    return this.head.size === 0 && !this.complete && this.watermarkTime <= upTo;
  }

  /**
   * The earliest pending time, Infinity when the queue is empty. Exact unless `needsLoad(Infinity)`
   * is true (before the first load, or when the head ran dry), in which case it is a lower bound
   * (-Infinity before any load): `await load(Infinity)` first to make it exact.
   */
  nextTime(): number {
    const first = this.head.first();
    if (first !== undefined) return first.time;
    return this.complete ? Infinity : this.watermarkTime;
  }

  /**
   * Removes and returns the earliest entry with time <= upTo (ties by id), or undefined. Entries
   * scheduled meanwhile with time <= upTo come out of later calls in order.
   * @throws TimeQueueNotLoadedError when `needsLoad(upTo)`
   */
  popDue(upTo: number): QueueEntry | undefined {
    const first = this.head.first();
    if (first === undefined) {
      if (this.needsLoad(upTo))
        throw new TimeQueueNotLoadedError(this.label, upTo, this.watermarkTime);
      return undefined;
    }
    if (first.time > upTo) return undefined;
    this.head.shift();
    this.store.delete(first.key);
    this.store.delete(this.byId + first.id);
    return { id: first.id, time: first.time, payload: first.payload };
  }

  /** Reads the next chunk past the watermark into the head (no-op when complete or full). */
  // One chunk serves any `upTo`: needsLoad(upTo) is false once it has landed.
  load(_upTo = Infinity): Promise<void> {
    if (this.loading !== null) return this.loading;
    if (this.complete) return Promise.resolve();
    const room = Math.min(this.loadChunk, this.headSize - this.head.size);
    if (room <= 0) return Promise.resolve();
    this.journal = [];
    this.loading = this.readChunk(room).finally(() => {
      this.loading = null;
      this.journal = null;
    });
    return this.loading;
  }

  /** Forgets the head; the next `load` rebuilds it from the store. */
  reset(): void {
    this.head.clear();
    this.watermarkKey = this.byTime;
    this.watermarkTime = -Infinity;
    this.watermarkId = '';
    this.watermarkSlowId = false;
    this.complete = false;
    this.generation++;
  }

  /** Entries now in memory (for tests and metrics). */
  get headCount(): number {
    return this.head.size;
  }

  private async readChunk(limit: number): Promise<void> {
    const generation = this.generation;
    const read: HeadEntry[] = [];
    for await (const { key, value } of this.store.range({
      gt: this.watermarkKey,
      lt: this.byTimeEnd,
      limit,
    })) {
      read.push(this.parse(key, value));
    }
    if (generation !== this.generation) return;
    for (let i = 0; i < read.length; i++) this.head.insert(read[i]);
    if (read.length < limit) {
      this.complete = true;
    } else {
      this.moveWatermark(read[read.length - 1]);
    }
    for (const op of this.journal ?? []) {
      if (!this.complete && !this.withinWatermark(op.time, op.id, op.slowId)) continue;
      if (op.entry === null) this.head.remove(op.time, op.id, op.slowId);
      else this.head.insert(op.entry);
    }
    this.trim();
  }

  /** Removes the entry (time, id) from the store's time index and the head. */
  private removeEntry(time: number, id: string, slowId: boolean): void {
    this.store.delete(this.timeKey(time, id));
    if (this.complete || this.withinWatermark(time, id, slowId)) this.head.remove(time, id, slowId);
    else if (this.journal !== null) this.journal.push({ time, id, slowId, entry: null });
  }

  /** Whether the key of (time, id) is at or before the watermark key. */
  private withinWatermark(time: number, id: string, slowId: boolean): boolean {
    if (time !== this.watermarkTime) return time < this.watermarkTime;
    if (id === this.watermarkId) return true;
    if (slowId && this.watermarkSlowId) return compareKeys(id, this.watermarkId) < 0;
    return id < this.watermarkId;
  }

  private moveWatermark(last: HeadEntry): void {
    this.watermarkKey = last.key;
    this.watermarkTime = last.time;
    this.watermarkId = last.id;
    this.watermarkSlowId = last.slowId;
  }

  /** Drops the latest entries beyond `headSize`, lowering the watermark below them. */
  private trim(): void {
    if (this.head.size <= this.headSize) return;
    while (this.head.size > this.headSize) this.head.pop();
    this.moveWatermark(this.head.last() as HeadEntry);
    this.complete = false;
    this.generation++;
  }

  private timeKey(time: number, id: string): string {
    return this.byTime + time.toString(16).padStart(TIME_DIGITS, '0') + SEPARATOR + id;
  }

  private parse(key: string, payload: Bytes): HeadEntry {
    const start = this.byTime.length;
    const time = parseInt(key.slice(start, start + TIME_DIGITS), 16);
    const id = key.slice(start + TIME_DIGITS + 1);
    return { key, id, time, payload, slowId: needsSlowCompare(id) };
  }

  private checkId(id: unknown): void {
    if (!isValidKey(id)) {
      throw new InvalidKeyError(
        this.label,
        id,
        typeof id === 'string' ? 'has a lone surrogate' : 'is not a string',
      );
    }
  }
}

function encodeTime(time: number): Bytes {
  // allocUnsafe slices Node's shared pool: far cheaper than a fresh ArrayBuffer per entry.
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeDoubleBE(time, 0);
  return bytes;
}

function decodeTime(bytes: Bytes): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(0);
}
