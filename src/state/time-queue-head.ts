/**
 * The in-memory head of a TimeQueue: a bounded set of entries sorted by time, then id in UTF-8
 * order, which is the order of their store keys (the time part of a key is fixed-width hex).
 *
 * Comparing the time as a number first and the id only on ties is far cheaper than comparing the
 * long keys. The entries sit in one array with free room at both ends (a sorted deque): the
 * common moves (pop the earliest, drop the latest, add before the earliest or after the latest)
 * are O(1), and an insert or removal in the middle shifts the shorter side only.
 */
import { compareKeys } from './key-order.js';
import type { Bytes } from './types.js';

export interface HeadEntry {
  /** The entry's key in the store. */
  key: string;
  id: string;
  time: number;
  payload: Bytes;
  /** The id has a code unit >= U+D800, so ties need the UTF-8-aware comparison. */
  slowId: boolean;
}

/** Negative, zero or positive as (time, id) sorts before, at or after the entry. */
function compareTo(time: number, id: string, slowId: boolean, entry: HeadEntry): number {
  if (time !== entry.time) return time < entry.time ? -1 : 1;
  if (id === entry.id) return 0;
  if (slowId && entry.slowId) return compareKeys(id, entry.id);
  return id < entry.id ? -1 : 1;
}

export class TimeQueueHead {
  private slots: (HeadEntry | undefined)[];
  /** Entries live in `slots[start, end)`. */
  private start: number;
  private end: number;

  constructor(private readonly initialCapacity = 64) {
    this.slots = new Array<HeadEntry | undefined>(initialCapacity);
    this.start = initialCapacity >> 1;
    this.end = this.start;
  }

  get size(): number {
    return this.end - this.start;
  }

  first(): HeadEntry | undefined {
    return this.end > this.start ? this.slots[this.start] : undefined;
  }

  last(): HeadEntry | undefined {
    return this.end > this.start ? this.slots[this.end - 1] : undefined;
  }

  /** Removes and returns the earliest entry. */
  shift(): HeadEntry | undefined {
    if (this.end === this.start) return undefined;
    const entry = this.slots[this.start];
    this.slots[this.start++] = undefined;
    if (this.start === this.end) this.recenter();
    return entry;
  }

  /** Removes and returns the latest entry. */
  pop(): HeadEntry | undefined {
    if (this.end === this.start) return undefined;
    const entry = this.slots[--this.end];
    this.slots[this.end] = undefined;
    if (this.start === this.end) this.recenter();
    return entry;
  }

  /** Adds the entry, replacing one with the same time and id. */
  insert(entry: HeadEntry): void {
    let i = this.lowerBound(entry.time, entry.id, entry.slowId);
    if (
      i < this.end &&
      compareTo(entry.time, entry.id, entry.slowId, this.slots[i] as HeadEntry) === 0
    ) {
      this.slots[i] = entry;
      return;
    }
    const front = i - this.start < this.end - i;
    if (front ? this.start === 0 : this.end === this.slots.length) i += this.relayout();
    const slots = this.slots;
    if (front) {
      // Closer to the front: move the front part one slot left.
      for (let j = this.start - 1; j < i - 1; j++) slots[j] = slots[j + 1];
      slots[i - 1] = entry;
      this.start--;
    } else {
      for (let j = this.end; j > i; j--) slots[j] = slots[j - 1];
      slots[i] = entry;
      this.end++;
    }
  }

  /** Removes the entry with this time and id; false if there is none. */
  remove(time: number, id: string, slowId: boolean): boolean {
    const i = this.lowerBound(time, id, slowId);
    if (i >= this.end || compareTo(time, id, slowId, this.slots[i] as HeadEntry) !== 0)
      return false;
    const slots = this.slots;
    if (i - this.start < this.end - 1 - i) {
      for (let j = i; j > this.start; j--) slots[j] = slots[j - 1];
      slots[this.start++] = undefined;
    } else {
      for (let j = i; j < this.end - 1; j++) slots[j] = slots[j + 1];
      slots[--this.end] = undefined;
    }
    if (this.start === this.end) this.recenter();
    return true;
  }

  clear(): void {
    this.slots = new Array<HeadEntry | undefined>(this.initialCapacity);
    this.start = this.initialCapacity >> 1;
    this.end = this.start;
  }

  /** The first slot whose entry is at or after (time, id). */
  private lowerBound(time: number, id: string, slowId: boolean): number {
    let lo = this.start;
    let hi = this.end;
    const slots = this.slots;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareTo(time, id, slowId, slots[mid] as HeadEntry) > 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** An empty head starts again from the middle, so it can grow at either end. */
  private recenter(): void {
    this.start = this.slots.length >> 1;
    this.end = this.start;
  }

  /**
   * Centres the entries in an array with room at both ends (the same size while at most half
   * full, else twice as large); returns how far they moved.
   */
  private relayout(): number {
    const size = this.end - this.start;
    const capacity = size * 2 < this.slots.length ? this.slots.length : this.slots.length * 2;
    const slots = new Array<HeadEntry | undefined>(capacity);
    const start = (capacity - size) >> 1;
    for (let j = 0; j < size; j++) slots[start + j] = this.slots[this.start + j];
    const moved = start - this.start;
    this.slots = slots;
    this.start = start;
    this.end = start + size;
    return moved;
  }
}
