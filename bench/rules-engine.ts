/**
 * The rule engine at a million customers (issue 3, item 8), on the real topology through the
 * in-process driver's batch path (`pipeBatch`, one partition, LevelDB):
 *  (a) events/s of a mixed stream (behaviour, profile changes, claims, tags, policies) against
 *      100 rules, after the customers are loaded; and json-rules-engine evaluating the same 60
 *      segment conditions for each event over plain in-memory customers (bench/support/rules-engine-jre.ts
 *      says what it cannot express);
 *  (b) the backfill of a new segment over every customer, published on the rules topic;
 *  (c) a weather alert to the ~5% of customers in one city: from piping it to its last touch
 *      (the median of five alerts to five such cities).
 *
 * Sizes can be lowered for a trial run: BENCH_CUSTOMERS, BENCH_EVENTS; BENCH_JRE_SECONDS bounds
 * the baseline's timed loop (default 60 s); BENCH_BACKEND=memory runs the engine on the memory
 * store instead (rows are then named *_memory_*); BENCH_CUSTOMER_CACHE sets the customer states
 * each task keeps deserialized (the topology's default otherwise).
 */
import { validateRules } from '../src/rules/index.js';
import type { CustomerEvent } from '../src/rules/index.js';
import type { StoreBackend } from '../src/state/index.js';
import {
  ALERT_CITY,
  CITIES,
  loadEvents,
  streamEvents,
  toRecord,
} from './support/rules-engine-data.js';
import type { RawRecord } from './support/rules-engine-data.js';
import { EngineHarness, cpuSeconds } from './support/rules-engine-driver.js';
import { JreBaseline } from './support/rules-engine-jre.js';
import { BACKFILL_SEGMENT, RULES, SEGMENTS } from './support/rules-engine-rules.js';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 500_000);
const JRE_SECONDS = Number(process.env.BENCH_JRE_SECONDS ?? 60);
const BACKEND = (process.env.BENCH_BACKEND ?? 'leveldb') as StoreBackend;
const ALERTS = 5;
const DAY = 86_400_000;

function log(message: string): void {
  process.stderr.write(`[rules-engine ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function checkRules(): void {
  const checked = validateRules([...RULES, BACKFILL_SEGMENT]);
  if (checked.rejected.length > 0)
    throw new Error(`bench rules rejected: ${JSON.stringify(checked.rejected[0])}`);
}

async function timeBackfill(engine: EngineHarness): Promise<Record<string, number>> {
  const transitionsBefore = engine.count(engine.topics.transitions);
  const started = performance.now();
  const cpu = cpuSeconds();
  await engine.publishRule(BACKFILL_SEGMENT);
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds() - cpu;
  engine.trim();
  return {
    backfill_seconds: Number(seconds.toFixed(2)),
    backfill_cpu_seconds: Number(cpuUsed.toFixed(2)),
    backfill_customers_visited: engine.backfill.visited,
    backfill_enter_transitions: engine.count(engine.topics.transitions) - transitionsBefore,
  };
}

/** One alert for `city`: seconds (and CPU seconds) from piping it to its last touch, and touches. */
async function alertOnce(
  engine: EngineHarness,
  city: string,
  id: string,
): Promise<{ seconds: number; cpu: number; withCommit: number; touches: number }> {
  const touches = engine.driver.cluster.topic(engine.topics.touches);
  if (touches === undefined) throw new Error('bench: no touch was written before the broadcast');
  const append = touches.append.bind(touches);
  let lastTouch = 0;
  const touchesBefore = engine.count(engine.topics.touches);
  const ts = engine.driver.currentStreamTime() + 1_000;
  const alert = {
    type: 'broadcast',
    id,
    ts,
    topic: 'weather_alert',
    props: { city, level: 'orange' },
  };
  const started = performance.now();
  const cpu = cpuSeconds();
  let cpuToLast = 0;
  touches.append = (partition, record) => {
    lastTouch = performance.now();
    cpuToLast = cpuSeconds() - cpu;
    return append(partition, record);
  };
  await engine.pipeBroadcast(alert);
  const withCommit = (performance.now() - started) / 1000;
  touches.append = append;
  engine.trim();
  return {
    seconds: (lastTouch - started) / 1000,
    cpu: cpuToLast,
    withCommit,
    touches: engine.count(engine.topics.touches) - touchesBefore,
  };
}

/**
 * Part (c), as five alerts to five cities of about 5% of the customers each (the part's city
 * first): one ~2 s timing on a shared VM is a coin toss, the median of five is a figure.
 */
async function timeBroadcast(engine: EngineHarness): Promise<Record<string, number>> {
  const cities = [ALERT_CITY, ...CITIES.map((place) => place.city).filter((c) => c !== ALERT_CITY)];
  const runs = [];
  for (let i = 0; i < ALERTS; i += 1) runs.push(await alertOnce(engine, cities[i], `w${i}`));
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const seconds = runs.map((run) => run.seconds);
  return {
    broadcast_alerts: runs.length,
    broadcast_seconds_to_last_touch: Number(median(seconds).toFixed(3)),
    broadcast_seconds_to_last_touch_min: Number(Math.min(...seconds).toFixed(3)),
    broadcast_seconds_to_last_touch_max: Number(Math.max(...seconds).toFixed(3)),
    broadcast_cpu_seconds_to_last_touch: Number(median(runs.map((run) => run.cpu)).toFixed(3)),
    broadcast_seconds_incl_commit: Number(median(runs.map((run) => run.withCommit)).toFixed(3)),
    broadcast_touches: runs[0].touches,
    broadcast_touches_min: Math.min(...runs.map((run) => run.touches)),
  };
}

/** The baseline over the same data: plain customers built from the load, then the stream timed. */
async function baseline(stream: readonly RawRecord[]): Promise<Record<string, number>> {
  const jre = new JreBaseline(SEGMENTS);
  // Memberships start empty: evaluating 2.5M load events through json-rules-engine would take minutes.
  for (const event of loadEvents(CUSTOMERS)) jre.applyOnly(event);
  log(`json-rules-engine: ${jre.customers.size} plain customers built`);
  const budget = JRE_SECONDS * 1000;
  const started = performance.now();
  const cpu = cpuSeconds();
  let events = 0;
  while (events < stream.length && performance.now() - started < budget) {
    const end = Math.min(events + 1000, stream.length);
    for (; events < end; events += 1) {
      await jre.process(JSON.parse(stream[events].value.toString('utf8')) as CustomerEvent);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds() - cpu;
  return {
    jre_events: events,
    jre_events_per_s: Math.round(events / seconds),
    jre_events_per_cpu_s: Math.round(events / cpuUsed),
    jre_transitions: jre.transitions,
  };
}

export async function run(): Promise<Record<string, number>> {
  checkRules();
  const suffix = BACKEND === 'leveldb' ? '' : `_${BACKEND}`;
  const engine = await EngineHarness.open(RULES, BACKEND);
  log(`engine open (${BACKEND}); loading ${CUSTOMERS} customers`);
  const loaded = await engine.load(loadEvents(CUSTOMERS), (events) => {
    if (events % 500_000 === 0) log(`loaded ${events} events`);
  });
  log(`loaded ${loaded.events} events in ${loaded.timing.seconds.toFixed(1)} s`);

  const stream: RawRecord[] = [];
  const shape = {
    customers: CUSTOMERS,
    events: EVENTS,
    startTs: loaded.endTs + 60_000,
    spanMs: DAY,
  };
  for (const event of streamEvents(shape)) stream.push(toRecord(event));
  const transitionsBefore = engine.count(engine.topics.transitions);
  const touchesBefore = engine.count(engine.topics.touches);
  log(`streaming ${stream.length} events`);
  const wakesBefore = engine.driver.taskCounters().timersFired;
  const streamTiming = await engine.pipe(stream);
  const wakes = engine.driver.taskCounters().timersFired - wakesBefore;
  const engineRate = stream.length / streamTiming.seconds;
  const engineCpuRate = stream.length / streamTiming.cpu;
  log(`stream: ${Math.round(engineRate)} events/s`);
  const results: Record<string, number> = {
    customers: CUSTOMERS,
    rules: RULES.length,
    segments: SEGMENTS.length,
    load_events: loaded.events,
    [`load_events_per_s${suffix}`]: Math.round(loaded.events / loaded.timing.seconds),
    [`load_events_per_cpu_s${suffix}`]: Math.round(loaded.events / loaded.timing.cpu),
    stream_events: stream.length,
    [`engine${suffix}_events_per_s`]: Math.round(engineRate),
    [`engine${suffix}_events_per_cpu_s`]: Math.round(engineCpuRate),
    // Customers woken by their timer at an instant a condition flips or a delayed firing is due:
    // evaluations json-rules-engine, which evaluates on events only, never makes.
    stream_wakes: wakes,
    [`engine${suffix}_evaluations_per_s`]: Math.round(
      (stream.length + wakes) / streamTiming.seconds,
    ),
    stream_transitions: engine.count(engine.topics.transitions) - transitionsBefore,
    stream_touches: engine.count(engine.topics.touches) - touchesBefore,
  };

  Object.assign(results, await timeBackfill(engine));
  log(`backfill: ${results.backfill_seconds} s`);
  Object.assign(results, await timeBroadcast(engine));
  log(`broadcast: ${results.broadcast_seconds_to_last_touch} s`);
  results.dead_letters = engine.driver.deadLetters.length;
  await engine.close();

  if (JRE_SECONDS > 0) {
    const jre = await baseline(stream);
    Object.assign(results, jre);
    results[`engine${suffix}_over_jre`] = Number((engineRate / jre.jre_events_per_s).toFixed(2));
    results[`engine${suffix}_over_jre_cpu`] = Number(
      (engineCpuRate / jre.jre_events_per_cpu_s).toFixed(2),
    );
  }
  return results;
}
