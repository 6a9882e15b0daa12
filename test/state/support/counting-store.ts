import { MemoryStore } from '../../../src/state/index.js';
import type { WriteOp } from '../../../src/state/index.js';

/** A memory backend that remembers every batch it was given, and can be told to fail. */
export class CountingMemoryStore extends MemoryStore {
  readonly batches: WriteOp[][] = [];
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
