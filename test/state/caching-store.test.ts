import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CachingStore, ChangeLoggingStore, createStoreMetrics } from '../../src/state/index.js';
import type { StoreMetrics } from '../../src/state/index.js';
import { CountingMemoryStore } from './support/counting-store.js';
import {
  assertCode,
  bytes,
  collect,
  countingSerde,
  keysOf,
  testContext,
  text,
} from './support/helpers.js';
import type { TestContext } from './support/helpers.js';

interface Profile {
  name: string;
  visits: number;
}

interface Fixture {
  backend: CountingMemoryStore;
  cache: CachingStore<Profile>;
  serde: ReturnType<typeof countingSerde<Profile>>;
  metrics: StoreMetrics;
  context: TestContext;
}

async function fixture(maxEntries = 100): Promise<Fixture> {
  const context = testContext();
  const backend = new CountingMemoryStore('profiles');
  const logged = new ChangeLoggingStore(backend, context.changelog, () => context.stream);
  const serde = countingSerde<Profile>();
  const metrics = createStoreMetrics();
  const cache = new CachingStore<Profile>(logged, {
    serde,
    maxEntries,
    metrics,
    timestamp: () => context.stream,
  });
  await cache.open();
  return { backend, cache, serde, metrics, context };
}

const profile = (name: string, visits = 1): Profile => ({ name, visits });

describe('the caching layer', () => {
  test('writes nothing to the backend until flush, then everything in one batch in key order', async () => {
    const { backend, cache } = await fixture();
    cache.put('c', profile('C'));
    cache.put('a', profile('A'));
    cache.delete('b');
    cache.put('d', profile('D'));
    assert.equal(backend.batches.length, 0);
    await cache.flush();
    assert.equal(backend.batches.length, 1);
    assert.deepEqual(
      backend.batches[0].map((op) => [
        op.key,
        op.value === null ? null : JSON.parse(text(op.value) as string).name,
      ]),
      [
        ['a', 'A'],
        ['b', null],
        ['c', 'C'],
        ['d', 'D'],
      ],
    );
  });

  test('serializes and writes a key written many times only once per flush', async () => {
    const { backend, cache, serde } = await fixture();
    for (let i = 1; i <= 50; i++) cache.put('hot', profile('H', i));
    cache.put('cold', profile('C'));
    await cache.flush();
    assert.equal(serde.serialized, 2);
    assert.equal(backend.batches[0].length, 2);
    assert.equal(JSON.parse(text(backend.get('hot')) as string).visits, 50);
  });

  test('does not write an empty batch when nothing is dirty', async () => {
    const { backend, cache, metrics } = await fixture();
    await cache.flush();
    cache.put('a', profile('A'));
    await cache.flush();
    await cache.flush();
    assert.equal(backend.batches.length, 1);
    assert.equal(metrics.flushes, 1);
    assert.equal(metrics.flushedEntries, 1);
  });

  test('reads its own unflushed writes and deletes, through get and range alike', async () => {
    const { backend, cache } = await fixture();
    await backend.write([
      { key: 'a', value: new TextEncoder().encode(JSON.stringify(profile('old-A'))) },
      { key: 'b', value: new TextEncoder().encode(JSON.stringify(profile('B'))) },
    ]);
    cache.put('a', profile('new-A'));
    cache.delete('b');
    cache.put('c', profile('C'));
    assert.equal(cache.get('a')?.name, 'new-A');
    assert.equal(cache.get('b'), undefined);
    const entries = await collect(cache.range());
    assert.deepEqual(
      entries.map((e) => [e.key, e.value.name]),
      [
        ['a', 'new-A'],
        ['c', 'C'],
      ],
    );
    assert.deepEqual(await keysOf(cache.range({ limit: 1, reverse: true })), ['c']);
  });

  test('reads a scan with a limit from the backend in one chunk of that size, an open scan in growing ones', async () => {
    const { backend, cache } = await fixture();
    for (let i = 0; i < 3000; i++) cache.put(`k${String(i).padStart(4, '0')}`, profile(`P${i}`));
    await cache.flush();
    backend.scanChunks.length = 0;
    const sweep = await keysOf(cache.range({ gt: 'k0999', limit: 700 }));
    assert.equal(sweep.length, 700);
    assert.equal(sweep[0], 'k1000');
    assert.deepEqual(backend.scanChunks, [700]);
    backend.scanChunks.length = 0;
    assert.equal((await keysOf(cache.range())).length, 3000);
    assert.deepEqual(backend.scanChunks.slice(0, 3), [64, 128, 256]);
  });

  test('hands back the cached object itself, so callers must put back what they mutate', async () => {
    const { cache } = await fixture();
    const value = profile('A');
    cache.put('a', value);
    assert.equal(cache.get('a'), value);
    await cache.flush();
    assert.equal(cache.get('a'), value, 'a flushed entry stays cached as the same object');
  });

  test('serves repeated reads from the clean cache without deserializing again', async () => {
    const { backend, cache, serde, metrics } = await fixture();
    await backend.write([
      { key: 'a', value: new TextEncoder().encode(JSON.stringify(profile('A'))) },
    ]);
    assert.equal(cache.get('a')?.name, 'A');
    assert.equal(cache.get('a')?.name, 'A');
    assert.equal(cache.get('missing'), undefined);
    assert.equal(cache.get('missing'), undefined);
    assert.equal(serde.deserialized, 1);
    assert.equal(metrics.cacheHits, 2);
  });

  test('keeps at most maxEntries clean entries, forgetting the least recently used', async () => {
    const { backend, cache, serde } = await fixture(3);
    const encoder = new TextEncoder();
    await backend.write(
      ['a', 'b', 'c', 'd'].map((key) => ({
        key,
        value: encoder.encode(JSON.stringify(profile(key))),
      })),
    );
    for (const key of ['a', 'b', 'c']) cache.get(key);
    cache.get('a'); // a is now the most recent; b the least
    cache.get('d'); // evicts b
    assert.equal(serde.deserialized, 4);
    cache.get('a');
    cache.get('c');
    assert.equal(serde.deserialized, 4);
    cache.get('b');
    assert.equal(serde.deserialized, 5);
  });

  test('flushes early by itself once more than maxEntries keys are dirty', async () => {
    const { backend, cache, metrics } = await fixture(10);
    for (let i = 0; i < 10; i++) cache.put(`k${i}`, profile(`P${i}`));
    assert.equal(cache.needsFlush, false);
    cache.put('k10', profile('P10'));
    assert.equal(cache.needsFlush, true);
    // The early flush runs once the writer yields to the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(backend.batches.length, 1);
    assert.equal(backend.batches[0].length, 11);
    assert.equal(metrics.flushes, 1);
    assert.equal(cache.dirtyCount, 0);
    assert.equal(cache.get('k3')?.name, 'P3');
  });

  test('keeps reads right while a flush is writing and after writes made during it', async () => {
    const { backend, cache } = await fixture();
    cache.put('a', profile('A1'));
    cache.put('c', profile('C'));
    const held = backend.hold();
    const flushing = cache.flush();
    await held.started;
    cache.put('a', profile('A2'));
    cache.put('b', profile('B'));
    assert.equal(cache.get('a')?.name, 'A2');
    assert.equal(cache.get('c')?.name, 'C', 'an entry being flushed is still visible');
    // A scan waits for the running flush to land, then merges what is still dirty.
    const scanned = keysOf(cache.range({ lt: 'b\uFFFF', gt: '' }));
    held.release();
    await flushing;
    assert.deepEqual(await scanned, ['a', 'b']);
    assert.equal(cache.get('a')?.name, 'A2');
    assert.equal(cache.dirtyCount, 2);
    await cache.flush();
    assert.deepEqual(
      backend.batches.map((batch) => batch.map((op) => op.key)),
      [
        ['a', 'c'],
        ['a', 'b'],
      ],
    );
    assert.equal(JSON.parse(text(backend.get('a')) as string).name, 'A2');
  });

  test('refuses further writes after a failed flush, with the cause', async () => {
    const { backend, cache } = await fixture();
    cache.put('a', profile('A'));
    backend.failNext = Object.assign(new Error('disk full'), { code: 'TS_STATE_WRITE_FAILED' });
    await assert.rejects(cache.flush(), /disk full/);
    assert.throws(() => cache.put('b', profile('B')), /disk full/);
    assert.equal(cache.get('a')?.name, 'A', 'reads still see the batch that failed to land');
    await assert.rejects(keysOf(cache.range()), /disk full/);
    await assert.rejects(cache.flush(), /disk full/);
  });

  test('refuses an undefined value and a closed store', async () => {
    const { cache } = await fixture();
    assert.throws(
      () => cache.put('a', undefined as unknown as Profile),
      assertCode('TS_STATE_INVALID_ARGUMENT'),
    );
    await cache.close();
    assert.throws(() => cache.get('a'), assertCode('TS_STATE_NOT_OPEN'));
    assert.throws(() => cache.put('a', profile('A')), assertCode('TS_STATE_NOT_OPEN'));
  });

  test('flushes on close, so nothing written is lost', async () => {
    const { backend, cache } = await fixture();
    cache.put('a', profile('A'));
    await cache.close();
    assert.equal(backend.batches.length, 1);
  });
});

/** A cache over `keys`, flushed, holding nothing in memory (as if the task had just started). */
async function stored(keys: readonly string[], maxEntries = 100): Promise<Fixture> {
  const fx = await fixture(maxEntries);
  for (const key of keys) fx.cache.put(key, profile(key.toUpperCase()));
  await fx.cache.flush();
  fx.cache.evictClean();
  fx.backend.directGets.length = 0;
  return fx;
}

describe('reading ahead', () => {
  test('reads only what the cache does not hold, and the gets after it read nothing more', async () => {
    const { backend, cache } = await stored(['a', 'b', 'c', 'd']);
    assert.equal(cache.get('d')?.name, 'D');
    cache.put('c', profile('C2'));
    await cache.prefetch(['a', 'b', 'c', 'd', 'zz']);
    assert.deepEqual(backend.readsAhead, [['a', 'b', 'zz']]);
    backend.directGets.length = 0;
    assert.equal(cache.get('a')?.name, 'A');
    assert.equal(cache.get('b')?.name, 'B');
    assert.equal(cache.get('zz'), undefined);
    assert.equal(cache.get('c')?.name, 'C2');
    assert.deepEqual(backend.directGets, []);
  });

  test('a write made while the read is in flight wins over what the read found', async () => {
    // One clean entry at most, so the written key is soon gone from the clean cache.
    const { backend, cache } = await stored(['a', 'b'], 1);
    const read = backend.holdReadAhead();
    const prefetched = cache.prefetch(['a', 'b']);
    cache.put('a', profile('A2'));
    await cache.flush();
    assert.equal(cache.get('b')?.name, 'B');
    read.release();
    await prefetched;
    assert.equal(cache.get('a')?.name, 'A2');
  });

  test('a write after the read landed wins too', async () => {
    const { cache } = await stored(['a', 'b'], 1);
    await cache.prefetch(['a', 'b']);
    cache.put('a', profile('A2'));
    await cache.flush();
    cache.get('b');
    assert.equal(cache.get('a')?.name, 'A2');
  });

  test('what lands after the backend changed underneath (a restore) is dropped', async () => {
    const { backend, cache } = await stored(['a']);
    const read = backend.holdReadAhead();
    const prefetched = cache.prefetch(['a']);
    await backend.write([{ key: 'a', value: bytes(JSON.stringify(profile('restored'))) }]);
    cache.evictClean(['a']);
    read.release();
    await prefetched;
    assert.equal(cache.get('a')?.name, 'restored');
  });

  test('what the gets take from a read ahead does not push hot keys out of the clean cache', async () => {
    const { backend, cache } = await stored(['a', 'b', 'c', 'd'], 2);
    cache.get('a');
    await cache.prefetch(['b', 'c', 'd']);
    assert.deepEqual(
      ['b', 'c', 'd'].map((key) => cache.get(key)?.name),
      ['B', 'C', 'D'],
    );
    backend.directGets.length = 0;
    assert.equal(cache.get('a')?.name, 'A');
    assert.deepEqual(backend.directGets, []);
  });

  test('a failed read holds nothing and the get meets the store as it is', async () => {
    const { backend, cache } = await stored(['a']);
    backend.readAheadFails = new Error('disk gone');
    await cache.prefetch(['a']);
    assert.equal(cache.get('a')?.name, 'A');
    assert.deepEqual(backend.directGets, ['a']);
  });
});

describe('reading a range ahead', () => {
  async function allChunks(cache: CachingStore<Profile>, limit: number): Promise<string[][]> {
    const chunks: string[][] = [];
    let after: string | undefined;
    do {
      const chunk = await cache.prefetchRange(
        after === undefined ? { limit } : { gt: after, limit },
      );
      chunks.push(chunk.keys);
      after = chunk.after;
    } while (after !== undefined);
    return chunks;
  }

  test('answers the next keys merged with unflushed writes, and the gets after read nothing more', async () => {
    const { backend, cache } = await stored(['a', 'c', 'e', 'g']);
    cache.put('b', profile('B'));
    cache.delete('c');
    cache.put('e', profile('E2'));
    const chunk = await cache.prefetchRange({ gte: 'a', lt: 'g', limit: 10 });
    assert.deepEqual(chunk, { keys: ['a', 'b', 'e'], after: undefined });
    assert.deepEqual(
      chunk.keys.map((key) => cache.get(key)?.name),
      ['A', 'B', 'E2'],
    );
    assert.deepEqual(backend.directGets, []);
  });

  test('chunks cover every live key once, whatever mix of flushed and unflushed keys', async () => {
    const flushed = Array.from({ length: 40 }, (_, i) => `k${String(i * 3).padStart(3, '0')}`);
    const { cache } = await stored(flushed);
    for (let i = 0; i < 40; i += 4) cache.delete(flushed[i]);
    for (let i = 0; i < 30; i++)
      cache.put(`k${String(i * 4 + 1).padStart(3, '0')}`, profile('new'));
    const live = await keysOf(cache.range());
    for (const limit of [1, 3, 7, 64]) {
      const chunks = await allChunks(cache, limit);
      assert.ok(chunks.every((keys) => keys.length <= limit));
      assert.deepEqual(chunks.flat(), live, `limit ${limit}`);
    }
  });

  test('a key unflushed when the read began is never answered with the bytes that read found', async () => {
    // One clean entry at most: after the flush, the written key is soon gone from the clean cache.
    const { cache } = await stored(['a', 'b'], 1);
    cache.put('a', profile('A2'));
    const chunk = await cache.prefetchRange({ limit: 10 });
    assert.deepEqual(chunk.keys, ['a', 'b']);
    await cache.flush();
    assert.equal(cache.get('b')?.name, 'B');
    assert.equal(cache.get('a')?.name, 'A2');
  });

  test('a write made while the read is in flight wins over what the read found', async () => {
    const { backend, cache } = await stored(['a', 'b'], 1);
    const scan = backend.holdScan();
    const reading = cache.prefetchRange({ limit: 10 });
    await new Promise((resolve) => setImmediate(resolve));
    cache.put('a', profile('A2'));
    await cache.flush();
    assert.equal(cache.get('b')?.name, 'B');
    scan.release();
    assert.deepEqual((await reading).keys, ['a', 'b']);
    assert.equal(cache.get('a')?.name, 'A2');
  });

  test('asks for a forward range with a positive limit', async () => {
    const { cache } = await stored(['a']);
    await assert.rejects(cache.prefetchRange({}), assertCode('TS_STATE_INVALID_ARGUMENT'));
    await assert.rejects(cache.prefetchRange({ limit: 5, reverse: true }), /forward range/);
  });
});
