/**
 * An ordered map from string keys (UTF-8 byte order, see key-order.ts) to values: a B+tree with
 * linked leaves. Inserts, deletes and point reads are O(log n); a scan seeks once and then walks
 * the leaves. It backs the in-memory store, the write cache's dirty set and the time queue's head.
 *
 * Scans copy a bounded chunk into caller-owned arrays instead of handing out live cursors, so a
 * caller that scans in chunks (re-seeking after the last key it saw) is safe against writes made
 * between chunks.
 */
import { compareKeys, flatKey, needsSlowCompare } from './key-order.js';

const MAX_KEYS = 64;
const MIN_KEYS = MAX_KEYS >> 1;

class Leaf<V> {
  readonly leaf = true as const;
  next: Leaf<V> | null = null;
  prev: Leaf<V> | null = null;
  constructor(
    public keys: string[],
    public values: V[],
  ) {}
}

class Branch<V> {
  readonly leaf = false as const;
  /** `children[i]` holds keys < `keys[i]` <= the keys of `children[i + 1]`. */
  constructor(
    public keys: string[],
    public children: TreeNode<V>[],
  ) {}
}

type TreeNode<V> = Leaf<V> | Branch<V>;

// Each operation tests its key once with needsSlowCompare and, for nearly all keys, then uses the
// native string comparison, which is exact for them and several times faster than compareKeys.
function compareWith(a: string, b: string, slow: boolean): number {
  if (slow) return compareKeys(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First index whose key is >= `key`. */
function lowerBound(keys: readonly string[], key: string, slow: boolean): number {
  let lo = 0;
  let hi = keys.length;
  if (slow) {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(keys[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
  } else {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
  }
  return lo;
}

/** First index whose key is > `key`. */
function upperBound(keys: readonly string[], key: string, slow: boolean): number {
  let lo = 0;
  let hi = keys.length;
  if (slow) {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(keys[mid], key) <= 0) lo = mid + 1;
      else hi = mid;
    }
  } else {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] <= key) lo = mid + 1;
      else hi = mid;
    }
  }
  return lo;
}

// Element moves by hand: splice allocates an array of the removed elements on every call.
function insertAt<T>(array: T[], index: number, item: T): void {
  let j = array.length;
  array.push(item);
  for (; j > index; j--) array[j] = array[j - 1];
  array[index] = item;
}

function removeAt<T>(array: T[], index: number): void {
  const last = array.length - 1;
  for (let j = index; j < last; j++) array[j] = array[j + 1];
  array.pop();
}

export class BPlusTree<V> {
  private root: TreeNode<V> = new Leaf<V>([], []);
  private count = 0;
  // Results of a split during insert, kept in fields so an insert allocates no result object.
  private splitKey = '';
  private splitNode: TreeNode<V> | null = null;

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    const slow = needsSlowCompare(key);
    const leaf = this.findLeaf(key, slow);
    const i = lowerBound(leaf.keys, key, slow);
    return i < leaf.keys.length && leaf.keys[i] === key ? leaf.values[i] : undefined;
  }

  has(key: string): boolean {
    const slow = needsSlowCompare(key);
    const leaf = this.findLeaf(key, slow);
    const i = lowerBound(leaf.keys, key, slow);
    return i < leaf.keys.length && leaf.keys[i] === key;
  }

  /** Inserts or replaces; true when the key is new. */
  set(key: string, value: V): boolean {
    const before = this.count;
    if (this.insert(this.root, key, value, needsSlowCompare(key))) {
      this.root = new Branch<V>([this.splitKey], [this.root, this.splitNode as TreeNode<V>]);
      this.splitNode = null;
    }
    return this.count !== before;
  }

  delete(key: string): boolean {
    const removed = this.remove(this.root, key, needsSlowCompare(key));
    if (!this.root.leaf && this.root.keys.length === 0) this.root = this.root.children[0];
    return removed;
  }

  clear(): void {
    this.root = new Leaf<V>([], []);
    this.count = 0;
  }

  firstKey(): string | undefined {
    const leaf = this.edgeLeaf(false);
    return leaf.keys.length > 0 ? leaf.keys[0] : undefined;
  }

  lastKey(): string | undefined {
    const leaf = this.edgeLeaf(true);
    return leaf.keys.length > 0 ? leaf.keys[leaf.keys.length - 1] : undefined;
  }

  /** The value of the smallest key (undefined when empty). */
  firstValue(): V | undefined {
    const leaf = this.edgeLeaf(false);
    return leaf.keys.length > 0 ? leaf.values[0] : undefined;
  }

  /** The value of the largest key (undefined when empty). */
  lastValue(): V | undefined {
    const leaf = this.edgeLeaf(true);
    return leaf.keys.length > 0 ? leaf.values[leaf.values.length - 1] : undefined;
  }

  /**
   * Appends up to `max` entries within the bounds to `keys`/`values`, ascending (or descending
   * when `reverse`), and returns how many it appended.
   */
  scan(
    low: string | undefined,
    lowInclusive: boolean,
    high: string | undefined,
    highInclusive: boolean,
    reverse: boolean,
    max: number,
    keys: string[],
    values: V[],
  ): number {
    let n = 0;
    const slowLow = low !== undefined && needsSlowCompare(low);
    const slowHigh = high !== undefined && needsSlowCompare(high);
    if (!reverse) {
      let leaf: Leaf<V> | null;
      let i: number;
      if (low === undefined) {
        leaf = this.edgeLeaf(false);
        i = 0;
      } else {
        leaf = this.findLeaf(low, slowLow);
        i = lowInclusive
          ? lowerBound(leaf.keys, low, slowLow)
          : upperBound(leaf.keys, low, slowLow);
      }
      while (leaf !== null && n < max) {
        if (i >= leaf.keys.length) {
          leaf = leaf.next;
          i = 0;
          continue;
        }
        const key = leaf.keys[i];
        if (high !== undefined) {
          const c = compareWith(key, high, slowHigh);
          if (c > 0 || (c === 0 && !highInclusive)) break;
        }
        keys.push(key);
        values.push(leaf.values[i]);
        n++;
        i++;
      }
      return n;
    }
    let leaf: Leaf<V> | null;
    let i: number;
    if (high === undefined) {
      leaf = this.edgeLeaf(true);
      i = leaf.keys.length - 1;
    } else {
      leaf = this.findLeaf(high, slowHigh);
      i =
        (highInclusive
          ? upperBound(leaf.keys, high, slowHigh)
          : lowerBound(leaf.keys, high, slowHigh)) - 1;
    }
    while (leaf !== null && n < max) {
      if (i < 0) {
        leaf = leaf.prev;
        if (leaf !== null) i = leaf.keys.length - 1;
        continue;
      }
      const key = leaf.keys[i];
      if (low !== undefined) {
        const c = compareWith(key, low, slowLow);
        if (c < 0 || (c === 0 && !lowInclusive)) break;
      }
      keys.push(key);
      values.push(leaf.values[i]);
      n++;
      i--;
    }
    return n;
  }

  private findLeaf(key: string, slow: boolean): Leaf<V> {
    let node = this.root;
    while (!node.leaf) node = node.children[upperBound(node.keys, key, slow)];
    return node;
  }

  private edgeLeaf(last: boolean): Leaf<V> {
    let node = this.root;
    while (!node.leaf) node = node.children[last ? node.children.length - 1 : 0];
    return node;
  }

  /** Returns true when `node` split; the new right sibling is in splitKey/splitNode. */
  private insert(node: TreeNode<V>, key: string, value: V, slow: boolean): boolean {
    if (node.leaf) {
      const i = lowerBound(node.keys, key, slow);
      if (i < node.keys.length && node.keys[i] === key) {
        node.values[i] = value;
        return false;
      }
      insertAt(node.keys, i, flatKey(key));
      insertAt(node.values, i, value);
      this.count++;
      if (node.keys.length <= MAX_KEYS) return false;
      const mid = node.keys.length >> 1;
      const right = new Leaf<V>(node.keys.splice(mid), node.values.splice(mid));
      right.next = node.next;
      if (right.next !== null) right.next.prev = right;
      right.prev = node;
      node.next = right;
      this.splitKey = right.keys[0];
      this.splitNode = right;
      return true;
    }
    const i = upperBound(node.keys, key, slow);
    if (!this.insert(node.children[i], key, value, slow)) return false;
    node.keys.splice(i, 0, this.splitKey);
    node.children.splice(i + 1, 0, this.splitNode as TreeNode<V>);
    if (node.keys.length <= MAX_KEYS) return false;
    const mid = node.keys.length >> 1;
    const up = node.keys[mid];
    const rightKeys = node.keys.splice(mid + 1);
    node.keys.length = mid;
    const rightChildren = node.children.splice(mid + 1);
    this.splitKey = up;
    this.splitNode = new Branch<V>(rightKeys, rightChildren);
    return true;
  }

  private remove(node: TreeNode<V>, key: string, slow: boolean): boolean {
    if (node.leaf) {
      const i = lowerBound(node.keys, key, slow);
      if (i >= node.keys.length || node.keys[i] !== key) return false;
      removeAt(node.keys, i);
      removeAt(node.values, i);
      this.count--;
      return true;
    }
    const i = upperBound(node.keys, key, slow);
    const child = node.children[i];
    if (!this.remove(child, key, slow)) return false;
    if (child.keys.length < MIN_KEYS) this.rebalance(node, i);
    return true;
  }

  private rebalance(parent: Branch<V>, i: number): void {
    const child = parent.children[i];
    const left = i > 0 ? parent.children[i - 1] : null;
    const right = i + 1 < parent.children.length ? parent.children[i + 1] : null;
    if (left !== null && left.keys.length > MIN_KEYS) {
      if (child.leaf && left.leaf) {
        child.keys.unshift(left.keys.pop() as string);
        child.values.unshift(left.values.pop() as V);
        parent.keys[i - 1] = child.keys[0];
      } else if (!child.leaf && !left.leaf) {
        child.keys.unshift(parent.keys[i - 1]);
        child.children.unshift(left.children.pop() as TreeNode<V>);
        parent.keys[i - 1] = left.keys.pop() as string;
      }
    } else if (right !== null && right.keys.length > MIN_KEYS) {
      if (child.leaf && right.leaf) {
        child.keys.push(right.keys.shift() as string);
        child.values.push(right.values.shift() as V);
        parent.keys[i] = right.keys[0];
      } else if (!child.leaf && !right.leaf) {
        child.keys.push(parent.keys[i]);
        child.children.push(right.children.shift() as TreeNode<V>);
        parent.keys[i] = right.keys.shift() as string;
      }
    } else if (left !== null) {
      this.merge(parent, i - 1);
    } else if (right !== null) {
      this.merge(parent, i);
    }
  }

  /** Moves everything of `children[j + 1]` into `children[j]` and drops the separator. */
  private merge(parent: Branch<V>, j: number): void {
    const a = parent.children[j];
    const b = parent.children[j + 1];
    if (a.leaf && b.leaf) {
      for (let k = 0; k < b.keys.length; k++) {
        a.keys.push(b.keys[k]);
        a.values.push(b.values[k]);
      }
      a.next = b.next;
      if (b.next !== null) b.next.prev = a;
    } else if (!a.leaf && !b.leaf) {
      a.keys.push(parent.keys[j]);
      for (let k = 0; k < b.keys.length; k++) a.keys.push(b.keys[k]);
      for (let k = 0; k < b.children.length; k++) a.children.push(b.children[k]);
    }
    parent.keys.splice(j, 1);
    parent.children.splice(j + 1, 1);
  }
}
