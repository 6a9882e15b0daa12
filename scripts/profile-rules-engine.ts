/**
 * CPU profiles of the rules-engine bench's three phases, for deciding what to optimise next:
 * loads BENCH_CUSTOMERS customers (default 300k), then profiles the stream of BENCH_EVENTS events
 * (default 150k), the backfill of the bench's new segment and one city alert, each to
 * /tmp/prof-<phase>.cpuprofile (PROFILE=stream,backfill,alert picks phases). Read them with
 * `node scripts/profile-top.mjs [--inclusive] FILE [N]`.
 *
 *   node --max-old-space-size=8192 --import tsx scripts/profile-rules-engine.ts
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import {
  ALERT_CITY,
  loadEvents,
  streamEvents,
  toRecord,
} from '../bench/support/rules-engine-data.js';
import type { RawRecord } from '../bench/support/rules-engine-data.js';
import { EngineHarness } from '../bench/support/rules-engine-driver.js';
import { BACKFILL_SEGMENT, RULES } from '../bench/support/rules-engine-rules.js';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 300_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 150_000);
const PHASES = new Set((process.env.PROFILE ?? 'stream,backfill,alert').split(','));
const DAY = 86_400_000;

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });

async function profiled(phase: string, work: () => Promise<unknown>): Promise<void> {
  if (!PHASES.has(phase)) {
    await work();
    return;
  }
  await session.post('Profiler.start');
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const { profile } = await session.post('Profiler.stop');
  const file = `/tmp/prof-${phase}.cpuprofile`;
  writeFileSync(file, JSON.stringify(profile));
  console.log(`${phase}: ${ms.toFixed(0)} ms (profiled) -> ${file}`);
}

const engine = await EngineHarness.open(RULES, 'leveldb');
const { endTs } = await engine.load(loadEvents(CUSTOMERS));
console.log(`loaded ${CUSTOMERS} customers`);

const stream: RawRecord[] = [];
const shape = { customers: CUSTOMERS, events: EVENTS, startTs: endTs + 60_000, spanMs: DAY };
for (const event of streamEvents(shape)) stream.push(toRecord(event));
await profiled('stream', () => engine.pipe(stream));

await profiled('backfill', async () => {
  await engine.publishRule(BACKFILL_SEGMENT);
  engine.trim();
});

await profiled('alert', async () => {
  const ts = engine.driver.currentStreamTime() + 1_000;
  const alert = {
    type: 'broadcast',
    id: 'profile-alert',
    ts,
    topic: 'weather_alert',
    props: { city: ALERT_CITY, level: 'orange' },
  };
  await engine.pipeBroadcast(alert);
  engine.trim();
});
await engine.close();
