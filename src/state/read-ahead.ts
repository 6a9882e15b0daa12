/**
 * Bytes read from the backend ahead of the `get`s that will want them (a sweep reads its next
 * customers while it visits these), held until taken. A key written while its read was in flight,
 * or since, is never answered from here: the write is newer than anything read.
 */
import type { Bytes } from './types.js';

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
    const epoch = this.epoch;
    this.inFlight += 1;
    let found: (Bytes | undefined)[] | undefined;
    try {
      found = await read(keys);
    } catch {
      found = undefined;
    } finally {
      this.inFlight -= 1;
    }
    if (found !== undefined && epoch === this.epoch) {
      if (this.held.size + keys.length > this.limit) this.held.clear();
      for (let i = 0; i < keys.length; i++) {
        if (!this.writtenMeanwhile.has(keys[i])) this.held.set(keys[i], found[i] ?? null);
      }
    }
    if (this.inFlight === 0) this.writtenMeanwhile.clear();
  }
}
