/**
 * The in-memory bytes backend: a B+tree in UTF-8 key order. Its data lives from open to close
 * (like Kafka Streams' in-memory stores, it is rebuilt from the changelog after a restart).
 *
 * It is also a `KeyValueStore<Bytes>` with synchronous `put`/`delete` (no cache, no changelog),
 * for state that needs neither, such as a scratch TimeQueue.
 *
 * Scans are not snapshots: a cursor re-seeks after the last key it returned, so writes made
 * between chunks show up if they land ahead of it.
 */
import { BPlusTree } from './b-plus-tree.js';
import { BytesStore } from './bytes-store.js';
import { TreeCursor } from './tree-cursor.js';
import { InvalidKeyError, InvalidStateArgumentError } from './errors.js';
import { isValidKey } from './key-order.js';
import type { Bytes, Entry, KeyRange, KeyValueStore, StoreCursor, WriteOp } from './types.js';

export class MemoryStore extends BytesStore implements KeyValueStore<Bytes> {
  readonly persistent = false;
  private tree = new BPlusTree<Bytes>();

  constructor(name: string) {
    super(name, `memory:${name}`);
  }

  put(key: string, value: Bytes): void {
    this.assertOpen('put');
    if (!isValidKey(key)) throw new InvalidKeyError(this.name, key, 'is not a well-formed string');
    if (!(value instanceof Uint8Array)) {
      throw new InvalidStateArgumentError(
        `store ${this.name} put`,
        `value for key ${JSON.stringify(key)} must be a Uint8Array`,
      );
    }
    this.tree.set(key, value);
  }

  delete(key: string): void {
    this.assertOpen('delete');
    if (!isValidKey(key)) throw new InvalidKeyError(this.name, key, 'is not a well-formed string');
    this.tree.delete(key);
  }

  range(range: KeyRange = {}): AsyncIterableIterator<Entry<Bytes>> {
    return this.iterate(range);
  }

  protected async _open(): Promise<void> {
    this.tree = new BPlusTree<Bytes>();
  }

  protected async _close(): Promise<void> {
    this.tree.clear();
  }

  protected _get(key: string): Bytes | undefined {
    return this.tree.get(key);
  }

  protected async _write(ops: readonly WriteOp[]): Promise<void> {
    // Synchronous, hence atomic: no reader can run between two operations of the batch.
    const tree = this.tree;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (op.value === null) tree.delete(op.key);
      else tree.set(op.key, op.value);
    }
  }

  protected _cursor(range: KeyRange): StoreCursor {
    return new MemoryCursor(this.tree, range);
  }

  protected async _approximateCount(): Promise<number> {
    return this.tree.size;
  }

  protected async _clear(): Promise<void> {
    this.tree.clear();
  }
}

class MemoryCursor implements StoreCursor {
  private readonly cursor: TreeCursor<Bytes>;
  private readonly keys: string[] = [];
  private readonly values: Bytes[] = [];

  constructor(tree: BPlusTree<Bytes>, range: KeyRange) {
    this.cursor = new TreeCursor(tree, range);
  }

  async next(max: number): Promise<Entry<Bytes>[]> {
    const n = this.cursor.nextChunk(max, this.keys, this.values);
    const out = new Array<Entry<Bytes>>(n);
    for (let i = 0; i < n; i++) out[i] = { key: this.keys[i], value: this.values[i] };
    return out;
  }

  async close(): Promise<void> {
    this.cursor.end();
  }
}
