/**
 * The contract every store passes, as a function that takes a factory (abstract-level's way).
 * Bytes backends and full wrapped stacks run the same tests through a small adapter.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Bytes, Entry, KeyRange, StoreStatus } from '../../src/state/index.js';
import { assertCode, bytes, collect, keysOf, text, utf8Sort } from './support/helpers.js';

/** What the suite needs of a store, whatever its layering. */
export interface ConformanceSubject {
  readonly status: StoreStatus;
  get(key: string): Bytes | undefined;
  getMany(keys: readonly string[]): (Bytes | undefined)[];
  write(ops: readonly { key: string; value: Bytes | null }[]): Promise<void>;
  range(range?: KeyRange): AsyncIterableIterator<Entry<Bytes>>;
  prefix(
    prefix: string,
    options?: { limit?: number; reverse?: boolean },
  ): AsyncIterableIterator<Entry<Bytes>>;
  approximateCount(): Promise<number>;
  close(): Promise<void>;
}

export interface ConformanceFactory {
  /** Names the suite, e.g. `memory backend`. */
  name: string;
  /** A new, open, empty store. */
  create(): Promise<ConformanceSubject>;
  /** For persistent stores: close the subject and open the same data again. */
  reopen?(subject: ConformanceSubject): Promise<ConformanceSubject>;
  /** Open the subject again after close() (persistent or not). */
  open(subject: ConformanceSubject): Promise<void>;
}

const put = (key: string, value: string) => ({ key, value: bytes(value) });
const del = (key: string) => ({ key, value: null });

// Mixed scripts, including keys above U+FFFF (surrogate pairs in UTF-16) and U+E000-U+FFFF,
// where UTF-16 order and UTF-8 order disagree.
const UNICODE_KEYS = [
  'a',
  'b',
  'é',
  '中',
  '\uE000',
  '\uFFFD',
  '\uFFFF',
  '\u{10000}',
  '😀',
  '\u{10FFFF}',
  'z',
  'a😀',
  'a\uFFFF',
];

const LETTERS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

export function runStoreConformance(factory: ConformanceFactory): void {
  describe(`${factory.name} conforms to the store contract`, () => {
    const open: ConformanceSubject[] = [];
    const fresh = async (): Promise<ConformanceSubject> => {
      const subject = await factory.create();
      open.push(subject);
      return subject;
    };
    afterEach(async () => {
      for (const subject of open.splice(0)) await subject.close();
    });

    test('returns undefined for a key never written', async () => {
      const store = await fresh();
      assert.equal(store.get('nope'), undefined);
    });

    test('reads back what it wrote, byte for byte, and forgets deleted keys', async () => {
      const store = await fresh();
      await store.write([
        put('k1', 'one'),
        { key: 'empty', value: new Uint8Array(0) },
        put('', 'empty key'),
      ]);
      assert.equal(text(store.get('k1')), 'one');
      const empty = store.get('empty');
      assert.ok(empty instanceof Uint8Array);
      assert.equal(empty.byteLength, 0);
      assert.equal(text(store.get('')), 'empty key');
      await store.write([put('k1', 'uno')]);
      assert.equal(text(store.get('k1')), 'uno');
      await store.write([del('k1'), del('never-there')]);
      assert.equal(store.get('k1'), undefined);
    });

    test('applies a batch in order, so the last operation on a key wins', async () => {
      const store = await fresh();
      await store.write([
        put('x', '1'),
        put('x', '2'),
        put('y', '1'),
        del('y'),
        del('z'),
        put('z', '3'),
      ]);
      assert.equal(text(store.get('x')), '2');
      assert.equal(store.get('y'), undefined);
      assert.equal(text(store.get('z')), '3');
    });

    test('getMany answers one value per key in the order asked', async () => {
      const store = await fresh();
      await store.write([put('a', 'A'), put('c', 'C')]);
      assert.deepEqual(store.getMany(['c', 'b', 'a', 'c']).map(text), ['C', undefined, 'A', 'C']);
      assert.deepEqual(store.getMany([]), []);
    });

    test('ranges over everything in key order with values attached', async () => {
      const store = await fresh();
      await store.write([put('b', '2'), put('c', '3'), put('a', '1')]);
      const entries = await collect(store.range());
      assert.deepEqual(
        entries.map((e) => [e.key, text(e.value)]),
        [
          ['a', '1'],
          ['b', '2'],
          ['c', '3'],
        ],
      );
    });

    test('honours every combination of gt, gte, lt, lte and reverse', async () => {
      const store = await fresh();
      await store.write(LETTERS.map((key) => put(key, key)));
      const lows: (Pick<KeyRange, 'gt' | 'gte'> | undefined)[] = [
        undefined,
        { gt: 'b' },
        { gte: 'b' },
        { gt: 'bb' },
        { gte: 'bb' },
      ];
      const highs: (Pick<KeyRange, 'lt' | 'lte'> | undefined)[] = [
        undefined,
        { lt: 'f' },
        { lte: 'f' },
        { lt: 'ff' },
        { lte: '0' },
      ];
      for (const low of lows) {
        for (const high of highs) {
          for (const reverse of [false, true]) {
            const range: KeyRange = { ...low, ...high, reverse };
            const expected = LETTERS.filter(
              (k) =>
                (range.gt === undefined || k > range.gt) &&
                (range.gte === undefined || k >= range.gte) &&
                (range.lt === undefined || k < range.lt) &&
                (range.lte === undefined || k <= range.lte),
            );
            if (reverse) expected.reverse();
            assert.deepEqual(await keysOf(store.range(range)), expected, JSON.stringify(range));
          }
        }
      }
    });

    test('returns nothing for an empty or inverted range', async () => {
      const store = await fresh();
      await store.write(LETTERS.map((key) => put(key, key)));
      assert.deepEqual(await keysOf(store.range({ gt: 'c', lt: 'c' })), []);
      assert.deepEqual(await keysOf(store.range({ gte: 'e', lte: 'b' })), []);
      assert.deepEqual(await keysOf(store.range({ gte: 'e', lte: 'b', reverse: true })), []);
    });

    test('stops at the limit, from either end', async () => {
      const store = await fresh();
      await store.write(LETTERS.map((key) => put(key, key)));
      assert.deepEqual(await keysOf(store.range({ limit: 3 })), ['a', 'b', 'c']);
      assert.deepEqual(await keysOf(store.range({ limit: 3, reverse: true })), ['h', 'g', 'f']);
      assert.deepEqual(await keysOf(store.range({ gt: 'f', limit: 5 })), ['g', 'h']);
      assert.deepEqual(await keysOf(store.range({ limit: 0 })), []);
    });

    test('selects exactly the keys that start with a prefix', async () => {
      const store = await fresh();
      const keys = ['a', 'ab', 'ab\u0000', 'abc', 'ab\u{10FFFF}', 'ab\u{10FFFF}x', 'ac', 'aa', 'b'];
      await store.write(keys.map((key) => put(key, key)));
      assert.deepEqual(
        await keysOf(store.prefix('ab')),
        utf8Sort(keys.filter((k) => k.startsWith('ab'))),
      );
      assert.deepEqual(await keysOf(store.prefix('ab', { reverse: true, limit: 2 })), [
        'ab\u{10FFFF}x',
        'ab\u{10FFFF}',
      ]);
      assert.deepEqual(await keysOf(store.prefix('ab', { limit: 2 })), ['ab', 'ab\u0000']);
      assert.deepEqual(await keysOf(store.prefix('ab\u{10FFFF}')), [
        'ab\u{10FFFF}',
        'ab\u{10FFFF}x',
      ]);
      assert.deepEqual(await keysOf(store.prefix('')), utf8Sort(keys));
      assert.deepEqual(await keysOf(store.prefix('q')), []);
    });

    test('orders keys by UTF-8 bytes, surrogate pairs after U+E000-U+FFFF', async () => {
      const store = await fresh();
      await store.write(UNICODE_KEYS.map((key) => put(key, key)));
      const expected = utf8Sort(UNICODE_KEYS);
      assert.notDeepEqual(
        expected,
        [...UNICODE_KEYS].sort(),
        'the keys must tell UTF-16 and UTF-8 order apart',
      );
      assert.deepEqual(await keysOf(store.range()), expected);
      assert.deepEqual(await keysOf(store.range({ reverse: true })), [...expected].reverse());
      assert.deepEqual(
        await keysOf(store.range({ gt: '\uFFFF' })),
        expected.slice(expected.indexOf('\uFFFF') + 1),
      );
      assert.deepEqual(
        await keysOf(store.range({ lt: '😀' })),
        expected.slice(0, expected.indexOf('😀')),
      );
      for (const key of UNICODE_KEYS) assert.equal(text(store.get(key)), key);
    });

    test('keeps thousands of randomly inserted and deleted keys in order', async () => {
      const store = await fresh();
      const live = new Set<string>();
      let seed = 7;
      const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      for (let round = 0; round < 6; round++) {
        const ops: { key: string; value: Bytes | null }[] = [];
        for (let i = 0; i < 1000; i++) {
          const key = `k${Math.floor(random() * 3000)}`;
          if (random() < 0.3) {
            ops.push(del(key));
            live.delete(key);
          } else {
            ops.push(put(key, key));
            live.add(key);
          }
        }
        await store.write(ops);
      }
      const expected = utf8Sort([...live]);
      assert.deepEqual(await keysOf(store.range()), expected);
      assert.deepEqual(await keysOf(store.range({ reverse: true })), [...expected].reverse());
      assert.deepEqual(
        await keysOf(store.range({ gte: 'k15', lt: 'k2' })),
        expected.filter((k) => k >= 'k15' && k < 'k2'),
      );
      assert.equal(await store.approximateCount(), live.size);
    });

    test('counts its keys', async () => {
      const store = await fresh();
      assert.equal(await store.approximateCount(), 0);
      await store.write([put('a', '1'), put('b', '2'), put('c', '3')]);
      assert.equal(await store.approximateCount(), 3);
      await store.write([put('a', 'again'), del('b'), del('missing')]);
      assert.equal(await store.approximateCount(), 2);
    });

    test('stays usable after a scan is abandoned halfway', async () => {
      const store = await fresh();
      await store.write(LETTERS.map((key) => put(key, key)));
      for await (const entry of store.range()) if (entry.key === 'c') break;
      await store.write([put('i', 'i')]);
      assert.equal((await keysOf(store.range())).length, 9);
    });

    test('refuses keys with lone surrogates and malformed ranges', async () => {
      const store = await fresh();
      assert.throws(() => store.get('bad\uD800'), assertCode('TS_STATE_INVALID_KEY'));
      assert.throws(() => store.get(42 as unknown as string), assertCode('TS_STATE_INVALID_KEY'));
      assert.throws(
        () => store.range({ gt: 'a', gte: 'b' }),
        assertCode('TS_STATE_INVALID_ARGUMENT'),
      );
      assert.throws(() => store.range({ limit: -1 }), assertCode('TS_STATE_INVALID_ARGUMENT'));
    });

    test('has an idempotent lifecycle and refuses work once closed', async () => {
      const store = await fresh();
      assert.equal(store.status, 'open');
      await store.write([put('a', '1')]);
      await Promise.all([store.close(), store.close()]);
      assert.equal(store.status, 'closed');
      await store.close();
      assert.throws(() => store.get('a'), assertCode('TS_STATE_NOT_OPEN'));
      assert.throws(() => store.range(), assertCode('TS_STATE_NOT_OPEN'));
      await assert.rejects(
        async () => store.write([put('b', '2')]),
        assertCode('TS_STATE_NOT_OPEN'),
      );
      await factory.open(store);
      await factory.open(store);
      assert.equal(store.status, 'open');
    });

    test('opens again when open() is called while a close is running', async () => {
      const store = await fresh();
      const closing = store.close();
      const opening = factory.open(store);
      await Promise.all([closing, opening]);
      assert.equal(store.status, 'open');
      await store.write([put('a', '1')]);
      assert.equal(text(store.get('a')), '1');
    });

    test('continues a scan correctly when keys are written between its chunks', async () => {
      const store = await fresh();
      const keys = Array.from({ length: 300 }, (_, i) => `k${String(i).padStart(3, '0')}`);
      await store.write(keys.map((key) => put(key, key)));
      const seen: string[] = [];
      for await (const entry of store.range()) {
        seen.push(entry.key);
        if (seen.length === 100) await store.write([put('k050x', 'behind'), del('k299')]);
      }
      assert.deepEqual(seen.slice(0, 100), keys.slice(0, 100));
      assert.equal(new Set(seen).size, seen.length, 'no key is returned twice');
      assert.ok(!seen.includes('k050x'), 'a key written behind the scan is not returned');
      assert.ok(
        seen.length === 299 || seen.length === 300,
        'the delete ahead is seen or not, nothing else changes',
      );
    });

    if (factory.reopen !== undefined) {
      const reopen = factory.reopen;
      test('keeps its data across a close and reopen', async () => {
        const first = await fresh();
        await first.write([put('a', '1'), put('b', '2'), put('😀', 'smile'), del('b')]);
        const second = await reopen(first);
        open.push(second);
        assert.equal(text(second.get('a')), '1');
        assert.equal(second.get('b'), undefined);
        assert.deepEqual(await keysOf(second.range()), ['a', '😀']);
        assert.equal(await second.approximateCount(), 2);
      });
    }
  });
}
