/**
 * touchstream end to end through the embedded Kafka-protocol broker: the real topology on the
 * Kafka runtime (exactly-once), the example rules, synthetic insurance customers and traffic.
 *
 * The broker, the load generator and the latency reader run in this process; every engine
 * instance is a child process (bench/support/kafka-e2e-instance.ts), so its CPU profile is the
 * engine's alone. On a 2-core machine they all share two cores.
 *
 *  1. One instance (application `e2e-one`): onboard CUSTOMERS (profile, tags, policies) produced in
 *     large batches while it runs, then a stream of TRAFFIC everyday events. Rate = events / (from
 *     produce start to the group's committed offsets reaching the log end).
 *  2. Latency, on that same instance: behaviour events with an action only an extra trigger rule
 *     answers, each stamped with its produce time in its id, at LATENCY_RATE/s; the touches are read
 *     read_committed and the latency is their arrival minus the stamp.
 *  3. Restore: that instance stops, its state dir is wiped, and it starts again: changelog records
 *     restored per second, from its 'task restored' log lines (tasks restore concurrently).
 *  4. Two instances (application `e2e-two`, two child processes) process the same whole log from
 *     the start: rate = events / (from their spawn to the group's committed offsets at the end).
 *
 * Sizes come from the environment: E2E_CUSTOMERS (default 1,000,000), E2E_TRAFFIC (200,000),
 * E2E_PARTITIONS (4), E2E_LATENCY_RATE (200), E2E_LATENCY_SECONDS (15), E2E_TWO=0 skips part 4,
 * E2E_CPU_PROF_DIR (default a temporary folder) receives the part-1 instance's CPU profile,
 * E2E_KEEP=1 keeps the state dirs. At 1M customers a run takes about 16 minutes on 2 cores (onboarding
 * is 2.9M events); E2E_CUSTOMERS=100000 takes about 3.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from 'kafkajs';
import { SyntheticInsuranceEvents } from '../src/cli/dev/synthetic-events.js';
import { startEmbeddedKafka } from '../src/embedded/index.js';
import { createKafkaClient, ensureTopics } from '../src/io/index.js';
import { DEFAULT_TOPICS } from '../src/runtime/index.js';
import {
  EngineProcess,
  endOffsets,
  percentile,
  produceAll,
  ruleMessages,
  waitCommitted,
} from './support/kafka-e2e-cluster.js';

const env = (name: string, fallback: number): number => {
  const text = process.env[name];
  return text === undefined || text === '' ? fallback : Number(text);
};
const CUSTOMERS = env('E2E_CUSTOMERS', 1_000_000);
const TRAFFIC = env('E2E_TRAFFIC', 200_000);
const PARTITIONS = env('E2E_PARTITIONS', 4);
const LATENCY_RATE = env('E2E_LATENCY_RATE', 200);
const LATENCY_SECONDS = env('E2E_LATENCY_SECONDS', 15);
const RUN_TWO = env('E2E_TWO', 1) !== 0;
const PRODUCE_BATCH = 5_000;
const LATENCY_TRIGGER = 'bench-latency-ping';
const LATENCY_ACTION = 'bench_ping';
const WAIT_MS = 60 * 60_000;

const topics = DEFAULT_TOPICS;
const log = (message: string): void =>
  console.error(`[kafka-end-to-end ${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const value of values) total += value;
  return total;
};

function* asMessages(events: Iterable<{ customerId?: string }>): Generator<Message> {
  for (const event of events) yield { key: event.customerId ?? null, value: JSON.stringify(event) };
}

function* take<T>(count: number, next: () => T): Generator<T> {
  for (let i = 0; i < count; i += 1) yield next();
}

export async function run(): Promise<Record<string, number>> {
  const root = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
  const profDir = process.env.E2E_CPU_PROF_DIR ?? join(root, 'profiles');
  mkdirSync(profDir, { recursive: true });
  const broker = await startEmbeddedKafka({ port: 0 });
  const kafka = createKafkaClient({
    brokers: broker.brokers,
    clientId: 'bench-e2e',
    log: (level, message) => level === 'error' && log(`kafkajs: ${message}`),
  });
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  const instances: EngineProcess[] = [];
  const spawn = (
    applicationId: string,
    instanceId: string,
    stateDir: string,
    cpuProfDir?: string,
  ) => {
    const instance = new EngineProcess({
      brokers: broker.brokers,
      applicationId,
      instanceId,
      stateDir,
      cpuProfDir,
      // kafkajs logs every heartbeat refused during a rebalance as an error; those are expected here.
      onLog: (m) => {
        if (!JSON.stringify(m.fields).includes('rebalancing'))
          log(`${instanceId} ${m.level}: ${m.message} ${JSON.stringify(m.fields)}`);
      },
    });
    instances.push(instance);
    return instance;
  };
  const results: Record<string, number> = { customers: CUSTOMERS, partitions: PARTITIONS };
  try {
    await ensureTopics(admin, [
      { topic: topics.events, partitions: PARTITIONS },
      { topic: topics.broadcasts, partitions: 1 },
      { topic: topics.rules, partitions: 1, compact: true },
      { topic: topics.transitions, partitions: PARTITIONS },
      { topic: topics.touches, partitions: PARTITIONS },
      { topic: topics.ruleRejections, partitions: 1 },
    ]);
    const rules = await ruleMessages(new URL('../examples/rules', import.meta.url).pathname);
    rules.push({
      key: LATENCY_TRIGGER,
      value: JSON.stringify({
        id: LATENCY_TRIGGER,
        kind: 'trigger',
        on: { event: 'behaviour', action: LATENCY_ACTION },
        touch: { channel: 'push', template: 'bench_ping', params: { eventId: '${event.id}' } },
      }),
    });
    await producer.send({ topic: topics.rules, messages: rules });
    results.rules = rules.length;

    // --- 1. one instance: onboarding, then traffic ------------------------------------------------
    const oneDir = join(root, 'one-1');
    const one = spawn('e2e-one', 'one-1', oneDir, profDir);
    await one.started();
    const generator = new SyntheticInsuranceEvents(CUSTOMERS, 42);
    const onboardAt = Date.now();
    log(`onboarding ${CUSTOMERS} customers`);
    const onboardEvents = await produceAll(
      producer,
      topics.events,
      asMessages(generator.onboarding(onboardAt)),
      PRODUCE_BATCH,
      4,
    );
    const onboardProducedAt = Date.now();
    log(`produced ${onboardEvents} onboarding events in ${onboardProducedAt - onboardAt} ms`);
    const onboardDoneAt = await waitCommitted(
      admin,
      'e2e-one',
      topics.events,
      await endOffsets(admin, topics.events),
      WAIT_MS,
    );
    log(`onboarding processed in ${onboardDoneAt - onboardAt} ms`);
    const afterOnboard = { ...one.progress };
    const trafficAt = Date.now();
    let clock = trafficAt;
    const trafficEvents = await produceAll(
      producer,
      topics.events,
      asMessages(take(TRAFFIC, () => generator.next((clock += 1)))),
      PRODUCE_BATCH,
      4,
    );
    const trafficProducedAt = Date.now();
    const trafficDoneAt = await waitCommitted(
      admin,
      'e2e-one',
      topics.events,
      await endOffsets(admin, topics.events),
      WAIT_MS,
    );
    log(`traffic of ${trafficEvents} processed in ${trafficDoneAt - trafficAt} ms`);
    await sleep(1_100);
    const afterTraffic = { ...one.progress };
    Object.assign(results, {
      one_onboard_events: onboardEvents,
      one_onboard_produce_s: (onboardProducedAt - onboardAt) / 1000,
      one_onboard_s: (onboardDoneAt - onboardAt) / 1000,
      one_onboard_events_per_s: Math.round(onboardEvents / ((onboardDoneAt - onboardAt) / 1000)),
      one_traffic_events: trafficEvents,
      one_traffic_produce_s: (trafficProducedAt - trafficAt) / 1000,
      one_traffic_s: (trafficDoneAt - trafficAt) / 1000,
      one_traffic_events_per_s: Math.round(trafficEvents / ((trafficDoneAt - trafficAt) / 1000)),
      one_total_events_per_s: Math.round(
        (onboardEvents + trafficEvents) / ((trafficDoneAt - onboardAt) / 1000),
      ),
      // Busy rate: records over the time spent inside processBatch + settle (excludes commits and fetches).
      one_in_batch_events_per_s: Math.round(afterTraffic.records / (afterTraffic.batchMs / 1000)),
      one_batches: afterTraffic.batches,
      one_avg_batch_records: Math.round(afterTraffic.records / Math.max(1, afterTraffic.batches)),
      one_avg_commit_ms: Number(
        (afterTraffic.commitMs / Math.max(1, afterTraffic.commits)).toFixed(1),
      ),
      one_traffic_in_batch_events_per_s: Math.round(
        (afterTraffic.records - afterOnboard.records) /
          ((afterTraffic.batchMs - afterOnboard.batchMs) / 1000),
      ),
    });

    // --- 2. latency ---------------------------------------------------------------------------------
    const latencies: number[] = [];
    const reader = kafka.consumer({
      groupId: `e2e-latency-${Date.now()}`,
      readUncommitted: false,
      maxWaitTimeInMs: 100,
    });
    await reader.connect();
    const joined = new Promise<void>((resolve) =>
      reader.on(reader.events.GROUP_JOIN, () => resolve()),
    );
    await reader.subscribe({ topic: topics.touches, fromBeginning: false });
    await reader.run({
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const message of batch.messages) {
          if (message.value === null) continue;
          const touch = JSON.parse(message.value.toString('utf8')) as {
            trigger?: string;
            params?: { eventId?: string };
          };
          if (touch.trigger !== LATENCY_TRIGGER || touch.params?.eventId === undefined) continue;
          latencies.push(now - Number(touch.params.eventId.split('-')[1]));
        }
      },
    });
    await joined;
    await sleep(2_000);
    const pingTotal = LATENCY_RATE * LATENCY_SECONDS;
    const perTick = Math.max(1, Math.round(LATENCY_RATE / 100));
    const pingStart = Date.now();
    let sent = 0;
    const customerIds = Array.from(
      { length: 1_000 },
      (_, i) => `C${String(Math.floor((i * CUSTOMERS) / 1_000)).padStart(8, '0')}`,
    );
    while (sent < pingTotal) {
      const due = Math.min(
        pingTotal,
        Math.floor(((Date.now() - pingStart) / 1000) * LATENCY_RATE) + perTick,
      );
      const messages: Message[] = [];
      for (; sent < due; sent += 1) {
        const customerId = customerIds[sent % customerIds.length];
        const now = Date.now();
        messages.push({
          key: customerId,
          value: JSON.stringify({
            type: 'behaviour',
            id: `lat-${now}-${sent}`,
            ts: now,
            customerId,
            action: LATENCY_ACTION,
          }),
        });
      }
      if (messages.length > 0) await producer.send({ topic: topics.events, messages, acks: -1 });
      await sleep(10);
    }
    const waitUntil = Date.now() + 60_000;
    while (latencies.length < pingTotal && Date.now() < waitUntil) await sleep(100);
    await reader.disconnect();
    latencies.sort((a, b) => a - b);
    Object.assign(results, {
      latency_events_sent: pingTotal,
      latency_touches_received: latencies.length,
      latency_rate_per_s: LATENCY_RATE,
      latency_p50_ms: percentile(latencies, 50),
      latency_p90_ms: percentile(latencies, 90),
      latency_p99_ms: percentile(latencies, 99),
      latency_max_ms: latencies.at(-1) ?? Number.NaN,
    });
    log(
      `latency p50 ${results.latency_p50_ms} p99 ${results.latency_p99_ms} over ${latencies.length}`,
    );

    // --- 3. restore ---------------------------------------------------------------------------------
    await one.stop();
    rmSync(oneDir, { recursive: true, force: true });
    const again = spawn('e2e-one', 'one-1', oneDir);
    await again.started();
    const restoreWaitUntil = Date.now() + WAIT_MS;
    while (again.restoredTasks().length < PARTITIONS && Date.now() < restoreWaitUntil)
      await sleep(200);
    const restoredTasks = again.restoredTasks();
    const restoredRecords = sum(restoredTasks.map((task) => sum(Object.values(task.restored))));
    const restoreMs = Math.max(...restoredTasks.map((task) => task.ms));
    Object.assign(results, {
      restore_tasks: restoredTasks.length,
      restore_records: restoredRecords,
      restore_customers_store_records: sum(
        restoredTasks.map((task) => task.restored.customers ?? 0),
      ),
      restore_s: restoreMs / 1000,
      restore_records_per_s: Math.round(restoredRecords / (restoreMs / 1000)),
      restore_spawn_to_running_s: (Date.now() - again.spawnedAt) / 1000,
    });
    log(`restored ${restoredRecords} records in ${restoreMs} ms`);
    await again.stop();

    // --- 4. two instances over the whole log ----------------------------------------------------------
    if (RUN_TWO) {
      const targets = await endOffsets(admin, topics.events);
      const total = sum(targets.values());
      const pair = [
        spawn('e2e-two', 'two-1', join(root, 'two-1')),
        spawn('e2e-two', 'two-2', join(root, 'two-2')),
      ];
      const twoAt = Math.min(...pair.map((instance) => instance.spawnedAt));
      await Promise.all(pair.map((instance) => instance.started()));
      const twoDoneAt = await waitCommitted(admin, 'e2e-two', topics.events, targets, WAIT_MS);
      await sleep(1_100);
      const firstAt = Math.min(
        ...pair.map((instance) => instance.progress.firstAt || Number.POSITIVE_INFINITY),
      );
      const lastAt = Math.max(...pair.map((instance) => instance.progress.lastAt));
      Object.assign(results, {
        two_events: total,
        two_s: (twoDoneAt - twoAt) / 1000,
        two_events_per_s: Math.round(total / ((twoDoneAt - twoAt) / 1000)),
        two_first_to_last_batch_events_per_s: Math.round(
          sum(pair.map((i) => i.progress.records)) / ((lastAt - firstAt) / 1000),
        ),
        two_instance_a_records: pair[0].progress.records,
        two_instance_b_records: pair[1].progress.records,
        two_instance_a_tasks: pair[0].lastTasks().length,
        two_instance_b_tasks: pair[1].lastTasks().length,
        two_rebalances: sum(
          pair.map(
            (i) => i.messages.filter((m) => m.type === 'log' && m.message === 'rebalance').length,
          ),
        ),
        two_in_batch_events_per_s_per_instance: Math.round(
          sum(pair.map((i) => i.progress.records)) /
            (sum(pair.map((i) => i.progress.batchMs)) / 1000),
        ),
      });
      log(`two instances: ${total} events in ${twoDoneAt - twoAt} ms`);
    }
    log(`CPU profile of the part-1 instance in ${profDir}`);
    return results;
  } finally {
    for (const instance of instances) await instance.stop().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await broker.close().catch(() => undefined);
    if (process.env.E2E_KEEP !== '1') {
      for (const name of ['one-1', 'two-1', 'two-2'])
        rmSync(join(root, name), { recursive: true, force: true });
    }
  }
}
