/**
 * Operations per second through a full store stack (metered -> caching -> change-logging ->
 * backend), on both backends, and through a TimeQueue on such a stack, at 1M entries.
 *
 * - put: 1M distinct keys in random order, flushing (one batch, one changelog record per key)
 *   whenever the cache asks for it, as a task does at commit.
 * - get (cold): 1M reads of random keys after the cache was emptied, so most reads reach the
 *   backend; get (hot): 1M reads of a working set that fits in the cache.
 * - read-modify-write: get then put of a random key, the aggregate's loop, 1M times.
 * - TimeQueue: 1M schedules at random times (ids of the engine's timer shape), then popping all of
 *   them in order, loading the head as it asks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeQueue, buildStoreStack, identitySerde } from '../src/state/index.js';
import type { Bytes, Serde, StoreBackend, StoreContext, StoreStack } from '../src/state/index.js';
import { totalsSerde } from './support/totals-serde.js';

const KEYS = 1_000_000;
const OPS = 1_000_000;
const HOT_KEYS = 5_000;
const CACHE = 20_000;
const TIMERS = 1_000_000;

function context(): StoreContext & { appended: number } {
  const ctx = {
    taskId: '0_0',
    appended: 0,
    streamTime: () => 1_700_000_000_000,
    wallClockTime: () => 1_700_000_000_000,
    changelog: {
      append: () => {
        ctx.appended++;
      },
    },
  };
  return ctx;
}

/** A fixed linear congruential sequence keeps runs comparable. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

function keyOf(i: number): string {
  return `c${String(i).padStart(7, '0')}`;
}

async function openStack<V>(
  backend: StoreBackend,
  name: string,
  serde: Serde<V>,
  dir: string,
): Promise<StoreStack<V>> {
  const stack = buildStoreStack<V>(
    { name, backend, valueSerde: serde, cacheMaxEntries: CACHE },
    context(),
    dir,
  );
  await stack.physical[0].cache.open();
  return stack;
}

async function flushIfAsked<V>(stack: StoreStack<V>): Promise<void> {
  if (stack.physical[0].cache.needsFlush) await stack.physical[0].cache.flush();
}

async function kvStack(backend: StoreBackend, dir: string): Promise<Record<string, number>> {
  const stack = await openStack(backend, `totals-${backend}`, totalsSerde, dir);
  const store = stack.store;
  const cache = stack.physical[0].cache;
  const order = new Array<string>(KEYS);
  for (let i = 0; i < KEYS; i++) order[i] = keyOf(i);
  const next = sequence(7);
  for (let i = KEYS - 1; i > 0; i--) {
    const j = next() % (i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }

  let started = performance.now();
  for (let i = 0; i < KEYS; i++) {
    store.put(order[i], { count: 1, sum: i });
    if ((i & 1023) === 0) await flushIfAsked(stack);
  }
  await cache.flush();
  const put = KEYS / ((performance.now() - started) / 1000);

  cache.evictClean();
  const reads = new Array<string>(OPS);
  for (let i = 0; i < OPS; i++) reads[i] = keyOf(next() % KEYS);
  started = performance.now();
  let found = 0;
  for (let i = 0; i < OPS; i++) if (store.get(reads[i]) !== undefined) found++;
  const getCold = OPS / ((performance.now() - started) / 1000);
  if (found !== OPS) throw new Error(`expected ${OPS} keys found, got ${found}`);

  for (let i = 0; i < OPS; i++) reads[i] = keyOf(next() % HOT_KEYS);
  started = performance.now();
  for (let i = 0; i < OPS; i++) store.get(reads[i]);
  const getHot = OPS / ((performance.now() - started) / 1000);

  for (let i = 0; i < OPS; i++) reads[i] = keyOf(next() % KEYS);
  started = performance.now();
  for (let i = 0; i < OPS; i++) {
    const key = reads[i];
    const totals = store.get(key) ?? { count: 0, sum: 0 };
    store.put(key, { count: totals.count + 1, sum: totals.sum + i });
    if ((i & 1023) === 0) await flushIfAsked(stack);
  }
  await cache.flush();
  const rmw = OPS / ((performance.now() - started) / 1000);
  await cache.close();
  return {
    [`${backend}_put_ops_per_s`]: Math.round(put),
    [`${backend}_get_cold_ops_per_s`]: Math.round(getCold),
    [`${backend}_get_hot_ops_per_s`]: Math.round(getHot),
    [`${backend}_read_modify_write_ops_per_s`]: Math.round(rmw),
  };
}

async function timeQueue(dir: string): Promise<Record<string, number>> {
  const stack = await openStack<Bytes>('memory', 'timers', identitySerde, dir);
  const queue = new TimeQueue(stack.store, 's', { name: 'bench timers' });
  const none = new Uint8Array(0);
  const ids = new Array<string>(TIMERS);
  const times = new Array<number>(TIMERS);
  const next = sequence(11);
  for (let i = 0; i < TIMERS; i++) {
    ids[i] = `KSTREAM-PROCESSOR-0000000001\u0000\u0000k${i}`;
    times[i] = 1_700_000_000_000 + (next() % 10_000_000);
  }
  let started = performance.now();
  for (let i = 0; i < TIMERS; i++) {
    queue.schedule(ids[i], times[i], none);
    if ((i & 1023) === 0) await flushIfAsked(stack);
  }
  await stack.physical[0].cache.flush();
  const schedule = TIMERS / ((performance.now() - started) / 1000);

  started = performance.now();
  let popped = 0;
  let previous = -1;
  for (;;) {
    if (queue.needsLoad(Infinity)) await queue.load(Infinity);
    const entry = queue.popDue(Infinity);
    if (entry === undefined) break;
    if (entry.time < previous) throw new Error(`timer ${entry.id} out of order`);
    previous = entry.time;
    popped++;
    if ((popped & 1023) === 0) await flushIfAsked(stack);
  }
  await stack.physical[0].cache.flush();
  const pop = popped / ((performance.now() - started) / 1000);
  if (popped !== TIMERS) throw new Error(`expected ${TIMERS} timers popped, got ${popped}`);
  await stack.physical[0].cache.close();
  return {
    time_queue_schedule_per_s: Math.round(schedule),
    time_queue_pop_per_s: Math.round(pop),
  };
}

export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-state-'));
  try {
    return {
      keys: KEYS,
      ...(await kvStack('memory', dir)),
      ...(await kvStack('leveldb', dir)),
      timers: TIMERS,
      ...(await timeQueue(dir)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
