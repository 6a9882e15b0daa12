import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BPlusTree, compareKeys } from '../../src/state/index.js';

function lcg(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function scanAll<V>(tree: BPlusTree<V>, reverse = false): string[] {
  const keys: string[] = [];
  tree.scan(undefined, true, undefined, true, reverse, Infinity, keys, []);
  return keys;
}

describe('BPlusTree', () => {
  test('matches a reference map through a long run of random inserts and deletes', () => {
    const random = lcg(42);
    const tree = new BPlusTree<number>();
    const reference = new Map<string, number>();
    for (let i = 0; i < 40_000; i++) {
      const key = `k${Math.floor(random() * 5000)}${random() < 0.05 ? '😀' : ''}`;
      if (random() < 0.45) {
        assert.equal(tree.delete(key), reference.delete(key));
      } else {
        assert.equal(tree.set(key, i), !reference.has(key));
        reference.set(key, i);
      }
      if (i % 5000 === 0) assert.deepEqual(scanAll(tree), [...reference.keys()].sort(compareKeys));
    }
    const expected = [...reference.keys()].sort(compareKeys);
    assert.equal(tree.size, reference.size);
    assert.deepEqual(scanAll(tree), expected);
    assert.deepEqual(scanAll(tree, true), [...expected].reverse());
    for (const [key, value] of reference) assert.equal(tree.get(key), value);
    assert.equal(tree.firstKey(), expected[0]);
    assert.equal(tree.lastKey(), expected[expected.length - 1]);
  });

  test('empties completely and becomes usable again', () => {
    const tree = new BPlusTree<number>();
    for (let i = 0; i < 3000; i++) tree.set(`k${i}`, i);
    for (let i = 2999; i >= 0; i--) assert.ok(tree.delete(`k${i}`));
    assert.equal(tree.size, 0);
    assert.equal(tree.firstKey(), undefined);
    assert.deepEqual(scanAll(tree), []);
    tree.set('again', 1);
    assert.deepEqual(scanAll(tree), ['again']);
  });

  test('scans within exclusive and inclusive bounds across leaf boundaries', () => {
    const tree = new BPlusTree<number>();
    for (let i = 0; i < 1000; i++) tree.set(String(i).padStart(4, '0'), i);
    const keys: string[] = [];
    const values: number[] = [];
    assert.equal(tree.scan('0100', false, '0300', true, false, Infinity, keys, values), 200);
    assert.equal(keys[0], '0101');
    assert.equal(keys[199], '0300');
    keys.length = 0;
    assert.equal(tree.scan('0100', true, '0300', false, true, 5, keys, values.splice(0)), 5);
    assert.deepEqual(keys, ['0299', '0298', '0297', '0296', '0295']);
  });
});
