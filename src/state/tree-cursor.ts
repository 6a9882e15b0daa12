/**
 * A chunked scan over a BPlusTree that re-seeks strictly after the last key it returned, so it
 * stays correct (never repeats, never skips what was already there) across writes between chunks.
 */
import type { BPlusTree } from './b-plus-tree.js';
import type { KeyRange } from './types.js';

export class TreeCursor<V> {
  private low: string | undefined;
  private lowInclusive: boolean;
  private high: string | undefined;
  private highInclusive: boolean;
  private readonly reverse: boolean;
  private done = false;

  constructor(
    private readonly tree: BPlusTree<V>,
    range: KeyRange,
  ) {
    this.low = range.gt ?? range.gte;
    this.lowInclusive = range.gt === undefined;
    this.high = range.lt ?? range.lte;
    this.highInclusive = range.lt === undefined;
    this.reverse = range.reverse === true;
  }

  /** Replaces the contents of `keys`/`values` with up to `max` next entries; 0 means the end. */
  nextChunk(max: number, keys: string[], values: V[]): number {
    keys.length = 0;
    values.length = 0;
    if (this.done || max <= 0) return 0;
    const n = this.tree.scan(
      this.low,
      this.lowInclusive,
      this.high,
      this.highInclusive,
      this.reverse,
      max,
      keys,
      values,
    );
    if (n < max) this.done = true;
    if (n > 0) {
      if (this.reverse) {
        this.high = keys[n - 1];
        this.highInclusive = false;
      } else {
        this.low = keys[n - 1];
        this.lowInclusive = false;
      }
    }
    return n;
  }

  end(): void {
    this.done = true;
  }
}
