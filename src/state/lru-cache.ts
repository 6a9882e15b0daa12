/**
 * A bounded map that forgets its least recently used key. A plain Map used as an LRU (delete the
 * first key to evict) degrades badly in V8: deleted slots at the front of its hash table are
 * skipped by every iteration until the next rehash, so eviction becomes O(capacity). This keeps
 * an explicit doubly linked list instead and recycles the evicted node.
 */
interface LruNode<V> {
  key: string;
  value: V;
  newer: LruNode<V> | null;
  older: LruNode<V> | null;
}

export class LruCache<V> {
  private readonly nodes = new Map<string, LruNode<V>>();
  private newest: LruNode<V> | null = null;
  private oldest: LruNode<V> | null = null;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.nodes.size;
  }

  /** Whether the key is held, without marking it used. */
  has(key: string): boolean {
    return this.nodes.has(key);
  }

  /** The value, marking the key as just used; undefined when absent. */
  get(key: string): V | undefined {
    const node = this.nodes.get(key);
    if (node === undefined) return undefined;
    if (node !== this.newest) {
      this.unlink(node);
      this.pushNewest(node);
    }
    return node.value;
  }

  set(key: string, value: V): void {
    let node = this.nodes.get(key);
    if (node !== undefined) {
      node.value = value;
      if (node !== this.newest) {
        this.unlink(node);
        this.pushNewest(node);
      }
      return;
    }
    if (this.nodes.size >= this.capacity && this.oldest !== null) {
      node = this.oldest;
      this.unlink(node);
      this.nodes.delete(node.key);
      node.key = key;
      node.value = value;
    } else {
      node = { key, value, newer: null, older: null };
    }
    this.nodes.set(key, node);
    this.pushNewest(node);
  }

  delete(key: string): void {
    const node = this.nodes.get(key);
    if (node === undefined) return;
    this.unlink(node);
    this.nodes.delete(key);
  }

  clear(): void {
    this.nodes.clear();
    this.newest = null;
    this.oldest = null;
  }

  private unlink(node: LruNode<V>): void {
    if (node.newer !== null) node.newer.older = node.older;
    else this.newest = node.older;
    if (node.older !== null) node.older.newer = node.newer;
    else this.oldest = node.newer;
    node.newer = null;
    node.older = null;
  }

  private pushNewest(node: LruNode<V>): void {
    node.older = this.newest;
    node.newer = null;
    if (this.newest !== null) this.newest.newer = node;
    this.newest = node;
    if (this.oldest === null) this.oldest = node;
  }
}
