/**
 * Bytes read from the backend ahead of the `get`s that will want them (a sweep reads its next
 * customers while it visits these), held until taken. A key written while its read was in flight,
 * or since, is never answered from here: the write is newer than anything read.
 */
import type { Bytes, Entry } from './types.js';

/** What the backend said of a key read ahead: its bytes, or null for absent. */
export type ReadAheadValue = Bytes | null;

export class ReadAhead {
  private held = new Map<string, ReadAheadValue>();
  private inFlight = 0;
  private readonly writtenMeanwhile = new Set<string>();
  /** Bumped by `clear()`: a read in flight across it lands nowhere. */
  private epoch = 0;

  /** @param limit most keys held; a read that would pass it drops what is held first */
  constructor(private readonly limit: number) {}

  holds(key: string): boolean {
    return this.held.has(key);
  }

  /** What was read for `key` (and forgets it), or undefined when nothing was. */
  take(key: string): ReadAheadValue | undefined {
    if (this.held.size === 0) return undefined;
    const value = this.held.get(key);
    if (value !== undefined) this.held.delete(key);
    return value;
  }

  /** A write of `key`: whatever was or is being read for it is stale. */
  written(key: string): void {
    if (this.held.size > 0) this.held.delete(key);
    if (this.inFlight > 0) this.writtenMeanwhile.add(key);
  }

  /** Forgets everything, including reads still in flight (the backend changed underneath). */
  clear(): void {
    this.held = new Map();
    this.epoch += 1;
  }

  /**
   * Reads `keys` with `read` and holds the answers. A failed read holds nothing: reading ahead is
   * a hint, and the `get` that follows meets the failure itself.
   */
  async read(
    keys: readonly string[],
    read: (keys: readonly string[]) => Promise<(Bytes | undefined)[]>,
  ): Promise<void> {
    const epoch = this.begin();
    let found: (Bytes | undefined)[] | undefined;
    try {
      found = await read(keys);
    } catch {
      found = undefined;
    } finally {
      this.inFlight -= 1;
    }
    if (found !== undefined && epoch === this.epoch) {
      this.makeRoom(keys.length);
      for (let i = 0; i < keys.length; i++) this.hold(keys[i], found[i] ?? null);
    }
    this.end();
  }

  /**
   * Reads entries with `read` (a range, whose keys are not known before) and holds those not
   * `stale` (known when the read began to be older than a write). Unlike `read`, a failure is the
   * caller's: it needs the keys, not only the values.
   */
  async readEntries(
    read: () => Promise<Entry<Bytes>[]>,
    stale: (key: string) => boolean,
  ): Promise<Entry<Bytes>[]> {
    const epoch = this.begin();
    let entries: Entry<Bytes>[];
    try {
      entries = await read();
    } catch (error) {
      this.inFlight -= 1;
      this.end();
      throw error;
    }
    this.inFlight -= 1;
    if (epoch === this.epoch) {
      this.makeRoom(entries.length);
      for (const entry of entries) if (!stale(entry.key)) this.hold(entry.key, entry.value);
    }
    this.end();
    return entries;
  }

  private begin(): number {
    this.inFlight += 1;
    return this.epoch;
  }

  private makeRoom(more: number): void {
    if (this.held.size + more > this.limit) this.held.clear();
  }

  private hold(key: string, value: ReadAheadValue): void {
    if (!this.writtenMeanwhile.has(key)) this.held.set(key, value);
  }

  private end(): void {
    if (this.inFlight === 0) this.writtenMeanwhile.clear();
  }
}
