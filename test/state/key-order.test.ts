import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareKeys, prefixSuccessor } from '../../src/state/index.js';
import { utf8Sort } from './support/helpers.js';

const SAMPLES = [
  '',
  'a',
  'ab',
  'b',
  'é',
  'z',
  '\u007f',
  '\u0080',
  '\u07ff',
  '\u0800',
  '\uD7FF',
  '\uE000',
  '\uFFFF',
  '\u{10000}',
  '😀',
  '\u{10FFFF}',
  'a\u{10000}',
  'a\uFFFF',
  'a\u0000',
];

describe('compareKeys', () => {
  test('agrees with comparing UTF-8 bytes for every pair of samples', () => {
    for (const a of SAMPLES) {
      for (const b of SAMPLES) {
        const expected = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
        assert.equal(
          Math.sign(compareKeys(a, b)),
          expected,
          `${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
        );
      }
    }
  });

  test('sorts a key above U+FFFF after U+E000-U+FFFF, unlike the default string order', () => {
    assert.ok(compareKeys('😀', '\uFFFF') > 0);
    assert.ok('😀' < '\uFFFF');
    assert.deepEqual([...SAMPLES].sort(compareKeys), utf8Sort(SAMPLES));
  });
});

describe('prefixSuccessor', () => {
  test('bounds exactly the keys that start with the prefix', () => {
    for (const prefix of ['a', 'ab', '\uD7FF', '\uFFFF', 'x\u{10FFFF}', '😀']) {
      const end = prefixSuccessor(prefix) as string;
      for (const key of SAMPLES.map((s) => prefix + s).concat(SAMPLES)) {
        const inside = compareKeys(key, prefix) >= 0 && compareKeys(key, end) < 0;
        assert.equal(
          inside,
          key.startsWith(prefix),
          `${JSON.stringify(key)} with prefix ${JSON.stringify(prefix)}`,
        );
      }
    }
  });

  test('skips the surrogate range and has no answer for an all-maximal prefix', () => {
    assert.equal(prefixSuccessor('\uD7FF'), '\uE000');
    assert.equal(prefixSuccessor('a\u{10FFFF}'), 'b');
    assert.equal(prefixSuccessor('\u{10FFFF}'), undefined);
    assert.equal(prefixSuccessor(''), undefined);
  });
});
