import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { TaskState } from '../../src/state/index.js';
import type { ChangelogRecord, RestoreRecord, StoreSpec } from '../../src/state/index.js';
import { assertCode, collect, jsonSerde, tempDir, testContext } from './support/helpers.js';
import type { TempDir, TestContext } from './support/helpers.js';

interface Profile {
  name: string;
  visits: number;
}

const specs = (): StoreSpec<unknown>[] => [
  { name: 'profiles', backend: 'leveldb', valueSerde: jsonSerde<Profile>() },
  {
    name: 'sessions',
    backend: 'leveldb',
    valueSerde: jsonSerde<string>(),
    ttl: { ms: 1000, clock: 'stream' },
  },
  { name: 'scratch', backend: 'memory', valueSerde: jsonSerde<number>() },
  { name: 'local', backend: 'leveldb', valueSerde: jsonSerde<number>(), changelog: false },
];

/** A stand-in for the changelog topics: records appended in order get consecutive offsets. */
class ChangelogTopics {
  readonly byStore = new Map<string, RestoreRecord[]>();

  take(records: ChangelogRecord[]): void {
    for (const record of records.splice(0)) {
      const log = this.byStore.get(record.store) ?? [];
      log.push({ key: record.key, value: record.value, offset: log.length });
      this.byStore.set(record.store, log);
    }
  }

  lastOffsets(): Record<string, number> {
    return Object.fromEntries([...this.byStore].map(([store, log]) => [store, log.length - 1]));
  }

  /** Restores every changelogged store from its checkpoint on, returning how many records it read. */
  async restore(state: TaskState): Promise<number> {
    let read = 0;
    const from = state.checkpointOffsets();
    for (const store of state.changelogStores()) {
      const tail = (this.byStore.get(store) ?? []).filter((r) => r.offset > (from[store] ?? -1));
      read += tail.length;
      for (let i = 0; i < tail.length; i += 100)
        await state.restoreBatch(store, tail.slice(i, i + 100));
    }
    return read;
  }
}

async function dump(state: TaskState, store: string): Promise<[string, unknown][]> {
  return (await collect(state.store(store).range())).map((e) => [e.key, e.value]);
}

describe('TaskState', () => {
  let dir: TempDir;
  let context: TestContext;
  const opened: TaskState[] = [];
  const open = async (taskId = '0_1'): Promise<TaskState> => {
    const state = await TaskState.open({ taskId, stateDir: dir.path, stores: specs(), context });
    opened.push(state);
    return state;
  };

  before(async () => {
    dir = await tempDir('task-state');
  });
  after(async () => {
    await dir.remove();
  });
  afterEach(async () => {
    for (const state of opened.splice(0))
      await state.close({ checkpoint: false }).catch(() => undefined);
  });

  test('opens every declared store by name, LevelDB ones under <stateDir>/<taskId>/<store>', async () => {
    context = testContext();
    const state = await open('0_2');
    assert.deepEqual(state.storeNames(), ['profiles', 'sessions', 'scratch', 'local']);
    assert.deepEqual(state.changelogStores(), [
      'profiles',
      'sessions',
      'sessions.ttl-index',
      'scratch',
    ]);
    state.store<Profile>('profiles').put('c1', { name: 'Ann', visits: 1 });
    assert.deepEqual(state.store<Profile>('profiles').get('c1'), { name: 'Ann', visits: 1 });
    assert.throws(() => state.store('nope'), assertCode('TS_STATE_UNKNOWN_STORE'));
    const entries = await readdir(join(dir.path, '0_2'));
    for (const store of ['profiles', 'sessions', 'sessions.ttl-index', 'local'])
      assert.ok(entries.includes(store), store);
    assert.ok(!entries.includes('scratch'));
  });

  test('flushes each store as one backend batch and emits its changelog records', async () => {
    context = testContext();
    const state = await open('0_3');
    const profiles = state.store<Profile>('profiles');
    for (let i = 0; i < 5; i++) profiles.put('c1', { name: 'Ann', visits: i });
    profiles.put('c2', { name: 'Bob', visits: 1 });
    state.store<number>('local').put('x', 1);
    assert.equal(context.records.length, 0);
    await state.flush();
    assert.deepEqual(
      context.records.map((r) => [r.store, r.key]),
      [
        ['profiles', 'c1'],
        ['profiles', 'c2'],
      ],
    );
    assert.equal(state.metrics('profiles').flushes, 1);
    assert.equal(state.metrics('profiles').puts, 6);
    assert.equal(state.metrics('local').flushes, 1);
  });

  test('restores a wiped task from its changelog to the same contents', async () => {
    context = testContext();
    const topics = new ChangelogTopics();
    const first = await open('1_0');
    context.stream = 10;
    for (let i = 0; i < 300; i++)
      first.store<Profile>('profiles').put(`c${i}`, { name: `n${i}`, visits: i });
    for (let i = 0; i < 300; i += 7) first.store('profiles').delete(`c${i}`);
    first.store<string>('sessions').put('s1', 'open');
    first.store<number>('scratch').put('n', 42);
    await first.flush();
    topics.take(context.records);
    first.store<Profile>('profiles').put('c1', { name: 'changed', visits: -1 });
    await first.flush();
    topics.take(context.records);
    const before = {
      profiles: await dump(first, 'profiles'),
      sessions: await dump(first, 'sessions'),
    };
    await first.checkpoint(topics.lastOffsets());
    await first.wipe();
    assert.equal(existsSync(join(dir.path, '1_0')), false);

    const second = await open('1_0');
    assert.deepEqual(second.checkpointOffsets(), {}, 'no checkpoint: restore from the beginning');
    assert.deepEqual(await dump(second, 'profiles'), []);
    await topics.restore(second);
    assert.deepEqual(await dump(second, 'profiles'), before.profiles);
    assert.deepEqual(await dump(second, 'sessions'), before.sessions);
    assert.equal(second.store<number>('scratch').get('n'), 42);
    assert.equal(second.store<string>('sessions').get('s1'), 'open');
    assert.equal(context.records.length, 0, 'a restore writes nothing to the changelog');
    assert.deepEqual(second.checkpointOffsets(), topics.lastOffsets());
  });

  test('on restart replays only the changelog tail after the checkpoint', async () => {
    context = testContext();
    const topics = new ChangelogTopics();
    const first = await open('1_1');
    for (let i = 0; i < 50; i++)
      first.store<Profile>('profiles').put(`c${i}`, { name: 'a', visits: i });
    await first.flush();
    topics.take(context.records);
    await first.checkpoint({ profiles: topics.lastOffsets().profiles });
    for (let i = 0; i < 5; i++)
      first.store<Profile>('profiles').put(`c${i}`, { name: 'b', visits: i });
    await first.flush();
    topics.take(context.records);
    const expected = await dump(first, 'profiles');
    await first.close({ checkpoint: false }); // as if it crashed after the flush

    const second = await open('1_1');
    assert.deepEqual(second.checkpointOffsets(), { profiles: 49 });
    assert.equal(await topics.restore(second), 5, 'only the five records after offset 49 are read');
    assert.deepEqual(await dump(second, 'profiles'), expected);
    assert.deepEqual(second.checkpointOffsets(), { profiles: 54 });
  });

  test('writes the checkpoint atomically, for persistent change-logged stores only', async () => {
    context = testContext();
    const state = await open('1_2');
    await state.restoreBatch('scratch', [{ key: 'k', value: new Uint8Array([49]), offset: 3 }]);
    await state.checkpoint({ profiles: 7, 'sessions.ttl-index': 2 });
    const path = join(dir.path, '1_2', '.checkpoint');
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), {
      profiles: 7,
      'sessions.ttl-index': 2,
    });
    assert.deepEqual(
      (await readdir(join(dir.path, '1_2'))).filter((f) => f.endsWith('.tmp')),
      [],
    );
    assert.deepEqual(state.checkpointOffsets(), {
      scratch: 3,
      profiles: 7,
      'sessions.ttl-index': 2,
    });
    await assert.rejects(state.checkpoint({ local: 1 }), assertCode('TS_STATE_UNKNOWN_STORE'));
  });

  test('empties a persistent store that has no checkpoint entry when it opens', async () => {
    context = testContext();
    const first = await open('1_3');
    first.store<Profile>('profiles').put('c1', { name: 'stale', visits: 0 });
    first.store<number>('local').put('kept', 1);
    await first.close({ checkpoint: false });
    const second = await open('1_3');
    assert.equal(second.store('profiles').get('c1'), undefined);
    assert.equal(
      second.store<number>('local').get('kept'),
      1,
      'a store without changelog keeps its data',
    );
  });

  test('restores the ttl index with the data, so expiry still works after a restore', async () => {
    context = testContext();
    const topics = new ChangelogTopics();
    const first = await open('1_4');
    context.stream = 100;
    first.store<string>('sessions').put('s1', 'x');
    context.stream = 600;
    first.store<string>('sessions').put('s2', 'y');
    await first.flush();
    topics.take(context.records);
    await first.wipe();
    const second = await open('1_4');
    await topics.restore(second);
    assert.equal(await second.expire({ stream: 1100 }), 1);
    assert.equal(second.store('sessions').get('s1'), undefined);
    context.stream = 1100;
    assert.equal(second.store('sessions').get('s2'), 'y');
    assert.equal(await second.expire(), 0);
    context.stream = 1600;
    assert.equal(await second.expire(), 1);
  });

  test('refuses restore records out of offset order and stores without a changelog', async () => {
    context = testContext();
    const state = await open('1_5');
    const value = new Uint8Array([49]);
    await state.restoreBatch('profiles', [{ key: 'a', value, offset: 5 }]);
    await assert.rejects(
      state.restoreBatch('profiles', [{ key: 'a', value, offset: 5 }]),
      assertCode('TS_STATE_INVALID_ARGUMENT'),
    );
    await assert.rejects(
      state.restoreBatch('local', [{ key: 'a', value, offset: 1 }]),
      assertCode('TS_STATE_INVALID_ARGUMENT'),
    );
    await assert.rejects(state.restoreBatch('nope', []), assertCode('TS_STATE_UNKNOWN_STORE'));
  });

  test('drops unflushed writes, emitting nothing, when closed without flushing', async () => {
    context = testContext();
    const first = await open('1_8');
    first.store<Profile>('profiles').put('c1', { name: 'kept', visits: 1 });
    await first.flush();
    await first.checkpoint({ profiles: 0 });
    first.store<Profile>('profiles').put('c1', { name: 'dropped', visits: 2 });
    context.records.length = 0;
    await first.close({ flush: false });
    assert.deepEqual(context.records, []);
    const second = await open('1_8');
    assert.deepEqual(second.store('profiles').get('c1'), { name: 'kept', visits: 1 });
  });

  test('fails with TS_STATE_LOCKED when the same task is opened twice', async () => {
    context = testContext();
    await open('1_6');
    await assert.rejects(open('1_6'), (error: unknown) => {
      assertCode('TS_STATE_LOCKED')(error);
      assert.match((error as Error).message, /1_6/);
      return true;
    });
  });

  test('fails with TS_STATE_CHECKPOINT_INVALID on a damaged checkpoint file, naming it', async () => {
    context = testContext();
    const state = await open('1_7');
    await state.close();
    const path = join(dir.path, '1_7', '.checkpoint');
    await writeFile(path, '{"profiles": "twelve"}');
    await assert.rejects(open('1_7'), (error: unknown) => {
      assertCode('TS_STATE_CHECKPOINT_INVALID')(error);
      assert.match((error as Error).message, /\.checkpoint/);
      return true;
    });
    await TaskState.wipeDirectory(dir.path, '1_7');
    assert.equal(existsSync(join(dir.path, '1_7')), false);
  });
});
