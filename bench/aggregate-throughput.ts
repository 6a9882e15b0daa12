/**
 * Events per second through a stateful aggregate at 1M distinct keys: the engine on LevelDB and on
 * the in-memory store, and the same read-modify-write loop written straight against classic-level
 * (the floor under us). The engine's share of the raw loop is the figure issue 2 asks for.
 *
 * Both loops decode the same JSON bytes, read the key's aggregate, add the event and write it
 * back, committing every COMMIT_EVERY events with one batch. The engine also writes a changelog
 * record per dirty key per commit, as it must.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import {
  TIMER_STORE,
  TaskHost,
  bytesSerde,
  openTaskState,
  processBatch,
} from '../src/runtime/index.js';
import type { ConsumedRecord } from '../src/runtime/index.js';
import { StreamsBuilder } from '../src/topology/index.js';
import { totalsSerde } from './support/totals-serde.js';
import type { Totals } from './support/totals-serde.js';

const KEYS = 1_000_000;
const EVENTS = 2_000_000;
const COMMIT_EVERY = 20_000;

interface Claim {
  customerId: string;
  amount: number;
}

function makeEvents(): { key: Buffer; value: Buffer; timestamp: number }[] {
  // A fixed linear congruential sequence keeps runs comparable.
  let seed = 42;
  const next = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed;
  };
  const events = new Array<{ key: Buffer; value: Buffer; timestamp: number }>(EVENTS);
  for (let i = 0; i < EVENTS; i += 1) {
    // The first million events touch every key once; the rest land at random.
    const customerId = `c${String(i < KEYS ? i : next() % KEYS).padStart(7, '0')}`;
    const claim: Claim = { customerId, amount: next() % 10_000 };
    events[i] = {
      key: Buffer.from(customerId),
      value: Buffer.from(JSON.stringify(claim)),
      timestamp: 1_700_000_000_000 + i,
    };
  }
  return events;
}

/**
 * The engine's hot loop as the Kafka runtime runs it: a task (source, aggregate processor, write
 * cache, change-logging, LevelDB) fed fetched batches through processBatch, committing (one store
 * batch, changelog records handed to the collector) every COMMIT_EVERY events. The collector only
 * counts what it is given: producing to Kafka is outside both loops.
 */
async function engine(
  backend: 'leveldb' | 'memory',
  events: ReturnType<typeof makeEvents>,
): Promise<number> {
  const builder = new StreamsBuilder({ defaultBackend: backend });
  builder
    .stream<string, Claim>('claims')
    .groupByKey()
    .aggregate<Totals>(
      () => ({ count: 0, sum: 0 }),
      (_key, claim, totals) => ({ count: totals.count + 1, sum: totals.sum + claim.amount }),
      { storeName: 'totals', valueSerde: totalsSerde, cacheMaxEntries: COMMIT_EVERY * 2 },
    );
  const topology = builder.build();
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-engine-'));
  let changelogRecords = 0;
  const host = await TaskHost.open({
    id: { subTopology: 0, partition: 0 },
    applicationId: 'bench',
    topology,
    stateDir,
    openState: openTaskState,
    changelogReader: { read: async function* () {} },
    collector: {
      send: () => {
        changelogRecords += 1;
        return changelogRecords;
      },
      deadLetter: () => undefined,
    },
    timerStoreSpec: { name: TIMER_STORE, backend, valueSerde: bytesSerde },
    resolveTopic: (topic) => topic,
    partitionsFor: () => 1,
    globalStore: () => {
      throw new Error('no global tables here');
    },
    wallClock: () => 0,
  });
  const records: ConsumedRecord[] = events.map((event, offset) => ({
    topic: 'claims',
    partition: 0,
    offset,
    key: event.key,
    value: event.value,
    timestamp: event.timestamp,
  }));
  const started = performance.now();
  for (let i = 0; i < records.length; i += COMMIT_EVERY) {
    await processBatch(host, records.slice(i, i + COMMIT_EVERY));
    await host.commit();
  }
  const seconds = (performance.now() - started) / 1000;
  await host.close({ commit: false });
  rmSync(stateDir, { recursive: true, force: true });
  if (changelogRecords === 0) throw new Error('the engine wrote no changelog records');
  return events.length / seconds;
}

async function rawLevel(events: ReturnType<typeof makeEvents>): Promise<number> {
  const location = mkdtempSync(join(tmpdir(), 'bench-raw-'));
  const db = new ClassicLevel<string, Uint8Array>(location, {
    keyEncoding: 'utf8',
    valueEncoding: 'view',
  });
  await db.open();
  const started = performance.now();
  const pending = new Map<string, Totals>();
  for (let i = 0; i < events.length; i += 1) {
    const claim = JSON.parse(events[i].value.toString('utf8')) as Claim;
    let totals = pending.get(claim.customerId);
    if (totals === undefined) {
      const stored = db.getSync(claim.customerId);
      totals = stored === undefined ? { count: 0, sum: 0 } : totalsSerde.deserialize(stored);
    }
    pending.set(claim.customerId, { count: totals.count + 1, sum: totals.sum + claim.amount });
    if ((i + 1) % COMMIT_EVERY === 0 || i === events.length - 1) {
      const batch = db.batch();
      for (const [key, value] of pending) batch.put(key, totalsSerde.serialize(value));
      await batch.write();
      pending.clear();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await db.close();
  rmSync(location, { recursive: true, force: true });
  return events.length / seconds;
}

export async function run(): Promise<Record<string, number>> {
  const events = makeEvents();
  const raw = await rawLevel(events);
  const leveldb = await engine('leveldb', events);
  const memory = await engine('memory', events);
  return {
    keys: KEYS,
    events: EVENTS,
    raw_classic_level_events_per_s: Math.round(raw),
    engine_leveldb_events_per_s: Math.round(leveldb),
    engine_memory_events_per_s: Math.round(memory),
    engine_leveldb_share_of_raw: Number((leveldb / raw).toFixed(3)),
  };
}
