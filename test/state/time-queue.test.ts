import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryStore, TimeQueue, buildStoreStack, identitySerde } from '../../src/state/index.js';
import type { Bytes, Entry, KeyRange, KeyValueStore, QueueEntry } from '../../src/state/index.js';
import { assertCode, bytes, tempDir, testContext, text } from './support/helpers.js';
import type { TempDir } from './support/helpers.js';

const NONE = new Uint8Array(0);

async function memoryStore(): Promise<MemoryStore> {
  const store = new MemoryStore('timers');
  await store.open();
  return store;
}

/** Pops everything due up to `upTo`, loading whenever the queue asks for it. */
async function drainDue(queue: TimeQueue, upTo: number): Promise<QueueEntry[]> {
  const out: QueueEntry[] = [];
  for (;;) {
    if (queue.needsLoad(upTo)) await queue.load(upTo);
    const entry = queue.popDue(upTo);
    if (entry === undefined) return out;
    out.push(entry);
  }
}

/** A store wrapper that records the ranges scanned through it. */
function spying(store: KeyValueStore<Bytes>): { store: KeyValueStore<Bytes>; ranges: KeyRange[] } {
  const ranges: KeyRange[] = [];
  const spy: KeyValueStore<Bytes> = {
    name: store.name,
    get status() {
      return store.status;
    },
    get: (key) => store.get(key),
    getMany: (keys) => store.getMany(keys),
    put: (key, value) => store.put(key, value),
    delete: (key) => store.delete(key),
    range(range?: KeyRange): AsyncIterableIterator<Entry<Bytes>> {
      ranges.push({ ...range });
      return store.range(range);
    },
    prefix: (prefix, options) => store.prefix(prefix, options),
    approximateCount: () => store.approximateCount(),
  };
  return { store: spy, ranges };
}

describe('TimeQueue', () => {
  test('pops entries in time order and only once they are due', async () => {
    const queue = new TimeQueue(await memoryStore());
    queue.schedule('late', 300, bytes('L'));
    queue.schedule('early', 100, bytes('E'));
    queue.schedule('middle', 200, bytes('M'));
    await queue.load(Infinity);
    assert.equal(queue.nextTime(), 100);
    assert.equal(queue.popDue(99), undefined);
    const first = queue.popDue(250);
    assert.deepEqual([first?.id, first?.time, text(first?.payload)], ['early', 100, 'E']);
    assert.equal(queue.popDue(250)?.id, 'middle');
    assert.equal(queue.popDue(250), undefined);
    assert.equal(queue.nextTime(), 300);
    assert.equal(queue.popDue(300)?.id, 'late');
    assert.equal(queue.nextTime(), Infinity);
  });

  test('breaks ties at one instant by id in UTF-8 order', async () => {
    const queue = new TimeQueue(await memoryStore());
    const ids = ['b', '😀', '\uFFFF', 'a', 'a\u0000', 'ab'];
    for (const id of ids) queue.schedule(id, 5, NONE);
    const popped = (await drainDue(queue, 5)).map((e) => e.id);
    assert.deepEqual(popped, ['a', 'a\u0000', 'ab', 'b', '\uFFFF', '😀']);
  });

  test('replaces the entry of an id scheduled again', async () => {
    const queue = new TimeQueue(await memoryStore());
    queue.schedule('x', 100, bytes('first'));
    queue.schedule('y', 150, NONE);
    queue.schedule('x', 200, bytes('second'));
    assert.equal(queue.timeOf('x'), 200);
    const popped = await drainDue(queue, 1000);
    assert.deepEqual(
      popped.map((e) => [e.id, e.time, text(e.payload)]),
      [
        ['y', 150, ''],
        ['x', 200, 'second'],
      ],
    );
    assert.equal(queue.timeOf('x'), undefined);
  });

  test('cancels an entry, reporting whether there was one', async () => {
    const store = await memoryStore();
    const queue = new TimeQueue(store);
    queue.schedule('x', 100, NONE);
    queue.schedule('y', 100, NONE);
    assert.equal(queue.cancel('x'), true);
    assert.equal(queue.cancel('x'), false);
    assert.equal(queue.cancel('never'), false);
    assert.deepEqual(
      (await drainDue(queue, 1000)).map((e) => e.id),
      ['y'],
    );
    assert.equal(await store.approximateCount(), 0, 'both index entries are gone from the store');
  });

  test('moves and cancels an entry without reading its old time when the caller knows it', async () => {
    const store = await memoryStore();
    const reads: string[] = [];
    const counting: KeyValueStore<Bytes> = {
      ...spying(store).store,
      get: (key) => {
        reads.push(key);
        return store.get(key);
      },
    };
    const queue = new TimeQueue(counting);
    queue.schedule('x', 100, NONE, Infinity);
    queue.schedule('y', 150, NONE, Infinity);
    queue.schedule('x', 200, bytes('moved'), 100);
    assert.equal(queue.cancel('y', 150), true);
    assert.equal(queue.cancel('y', Infinity), false);
    assert.deepEqual(reads, [], 'no read of the id index');
    assert.equal(queue.timeOf('x'), 200);
    assert.deepEqual(
      (await drainDue(queue, 1000)).map((e) => [e.id, e.time, text(e.payload)]),
      [['x', 200, 'moved']],
    );
    assert.equal(await store.approximateCount(), 0, 'no stale index entry is left behind');
  });

  test('refuses to pop past an unloaded head, and says so', async () => {
    const queue = new TimeQueue(await memoryStore());
    queue.schedule('x', 100, NONE);
    assert.equal(queue.needsLoad(100), true);
    assert.equal(queue.nextTime(), -Infinity, 'before a load nextTime is only a lower bound');
    assert.throws(() => queue.popDue(100), assertCode('TS_STATE_QUEUE_NOT_LOADED'));
    await queue.load(100);
    assert.equal(queue.needsLoad(100), false);
    assert.equal(queue.popDue(100)?.id, 'x');
  });

  test('keeps a bounded head and loads the rest in chunks starting at the watermark', async () => {
    const { store, ranges } = spying(await memoryStore());
    const queue = new TimeQueue(store, 'q/', { headSize: 8, loadChunk: 4 });
    await queue.load(Infinity); // empty: the head is complete, new entries go to it
    for (let i = 0; i < 40; i++)
      queue.schedule(`id${String(i).padStart(2, '0')}`, 1000 - i * 10, NONE);
    assert.equal(queue.headCount, 8);
    ranges.length = 0;
    const popped = await drainDue(queue, Infinity);
    assert.deepEqual(
      popped.map((e) => e.time),
      Array.from({ length: 40 }, (_, i) => 610 + i * 10),
    );
    assert.ok(ranges.length >= 8, `expected several chunked loads, got ${ranges.length}`);
    for (const range of ranges) {
      assert.equal(range.limit, 4);
      assert.ok(
        range.gt !== undefined && range.gt > 'q/t',
        'every load starts past a watermark, never at the start',
      );
    }
  });

  test('pops entries scheduled during a firing loop in order with the rest', async () => {
    const queue = new TimeQueue(await memoryStore(), '', { headSize: 4, loadChunk: 2 });
    for (let t = 10; t <= 100; t += 10) queue.schedule(`t${t}`, t, NONE);
    const fired: number[] = [];
    let spawned = false;
    for (;;) {
      if (queue.needsLoad(100)) await queue.load(100);
      const entry = queue.popDue(100);
      if (entry === undefined) break;
      fired.push(entry.time);
      if (!spawned) {
        spawned = true;
        queue.schedule('soon', 15, NONE);
        queue.schedule('later', 95, NONE);
        queue.schedule('too-late', 150, NONE);
      }
    }
    assert.deepEqual(fired, [10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100]);
    assert.equal(queue.timeOf('too-late'), 150);
  });

  test('keeps entries scheduled and cancelled while a load is running', async () => {
    const queue = new TimeQueue(await memoryStore(), '', { headSize: 100, loadChunk: 3 });
    for (let t = 1; t <= 10; t++) queue.schedule(`e${t}`, t * 10, NONE);
    const loading = queue.load(Infinity);
    queue.schedule('new', 25, NONE);
    queue.cancel('e2');
    await loading;
    const popped = await drainDue(queue, Infinity);
    assert.deepEqual(
      popped.map((e) => e.id),
      ['e1', 'new', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9', 'e10'],
    );
  });

  test('lets several queues share one store under different prefixes', async () => {
    const store = await memoryStore();
    const stream = new TimeQueue(store, 's/');
    const wall = new TimeQueue(store, 'w/');
    stream.schedule('k', 10, bytes('stream'));
    wall.schedule('k', 5, bytes('wall'));
    assert.deepEqual(
      (await drainDue(stream, 100)).map((e) => text(e.payload)),
      ['stream'],
    );
    assert.equal(wall.timeOf('k'), 5);
    assert.deepEqual(
      (await drainDue(wall, 100)).map((e) => text(e.payload)),
      ['wall'],
    );
  });

  test('pops a million pending entries in order from the memory backend', async () => {
    const store = await memoryStore();
    const queue = new TimeQueue(store);
    let seed = 12345;
    const count = 1_000_000;
    for (let i = 0; i < count; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      queue.schedule(`c${seed % 50_000_000}-${i}`, seed % 10_000_000, NONE);
    }
    assert.ok(queue.headCount <= 4096);
    let previousTime = -1;
    let previousId = '';
    let popped = 0;
    for (;;) {
      if (queue.needsLoad(Infinity)) await queue.load(Infinity);
      const entry = queue.popDue(Infinity);
      if (entry === undefined) break;
      if (entry.time < previousTime || (entry.time === previousTime && entry.id <= previousId)) {
        assert.fail(`entry ${entry.id}@${entry.time} came after ${previousId}@${previousTime}`);
      }
      previousTime = entry.time;
      previousId = entry.id;
      popped++;
    }
    assert.equal(popped, count);
    assert.equal(await store.approximateCount(), 0);
  });
});

describe('TimeQueue on a persistent store', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('time-queue');
  });
  after(async () => {
    await dir.remove();
  });

  test('survives a close and reopen of the store, rebuilding its head by load', async () => {
    const open = async () => {
      const stack = buildStoreStack<Bytes>(
        { name: 'timers', backend: 'leveldb', valueSerde: identitySerde },
        testContext(),
        dir.path,
      );
      await stack.physical[0].cache.open();
      return stack;
    };
    const first = await open();
    const queue = new TimeQueue(first.store, 'p/', { headSize: 4 });
    for (let i = 0; i < 20; i++)
      queue.schedule(`id${i}`, 1000 + ((i * 7) % 20), bytes(`payload${i}`));
    assert.equal((await drainDue(queue, 1002)).length, 3);
    await first.physical[0].cache.close();

    const second = await open();
    const again = new TimeQueue(second.store, 'p/', { headSize: 4 });
    assert.equal(again.needsLoad(Infinity), true);
    assert.equal(again.timeOf('id1'), 1007);
    const rest = await drainDue(again, Infinity);
    assert.deepEqual(
      rest.map((e) => e.time),
      Array.from({ length: 17 }, (_, i) => 1003 + i),
    );
    const id1 = rest.find((e) => e.id === 'id1');
    assert.equal(text(id1?.payload), 'payload1');
    await second.physical[0].cache.close();
  });
});
