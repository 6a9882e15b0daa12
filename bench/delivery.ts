/**
 * Touch delivery through every guard (issue 6, item 8): touches per second from the
 * touch-commands topic to the providers, with one delivery worker and with two.
 *
 * The embedded broker, the embedded Schema Registry and the fake providers (startFakeProviders,
 * real HTTP: JPush, WeChat with its token, signed SMS, coupon) run in this process; each worker
 * is a child process (bench/support/delivery-bench-worker.ts) running startDelivery with the real
 * adapters, Avro codecs (the app's default output encoding) and the real Redis on 127.0.0.1:6379
 * under a key prefix of its own, swept afterwards.
 *
 * Each part pre-produces COMMANDS Avro touch commands (40% push, 20% SMS, 30% WeChat, 10% coupon,
 * every contact field set, COMMANDS_PER_CUSTOMER per customer) to a fresh topic, starts the
 * workers (two of them share one consumer group) and times until the fake providers have accepted
 * every command. Every guard does its Redis work for every command: the idempotency claim and
 * markSent, frequency caps in total and per channel, a token bucket per channel, and quiet hours
 * per channel, judged on a simulated clock at mid-morning so that none applies. Afterwards the
 * accepted counts per channel, the feedback topic (one `sent` per command, nothing else), the dead
 * letters (none) and the guards' Redis footprint (a ledger entry marked sent per command, three
 * cap counts per command) must all agree with what was produced, or the bench fails.
 *
 * Figures: touches_per_s_<n>_worker(s) = commands / (from the first worker's startDelivery call to
 * the last acceptance); *_spawn_* counts from the process spawn instead (adds Node + tsx start-up
 * and the group join); *_steady_* is from the first acceptance to the last; *_after_join_* counts
 * what was left once every worker had joined, from then on (two workers started together begin
 * with a rebalance while the first already delivers). Redis round trips are writes on each
 * worker's delivery connection (ioredis sends a whole pipeline in one write): the guard chain's
 * pipelined steps, the markSent calls after the sends (automatic pipelining groups those by tick)
 * and the deferral pump's poll (about one a second per worker), divided by the batches. CPU
 * seconds are the workers' (from startDelivery), this process's and the Redis server's; the load
 * averages say how busy the machine was otherwise.
 *
 * Sizes from the environment: BENCH_DELIVERY_COMMANDS (default 400,000, about 2 minutes on 2
 * cores), BENCH_DELIVERY_PARTITIONS (8, the app's default), BENCH_DELIVERY_BATCH (500) and
 * BENCH_DELIVERY_CONCURRENCY (32) as the app's delivery defaults,
 * BENCH_DELIVERY_PARTITIONS_CONCURRENT (2, the worker's default partitionsConsumedConcurrently);
 * BENCH_DELIVERY_CPU_PROF_DIR, when set, receives each worker's CPU profile.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Redis } from 'ioredis';
import type { Admin, Message, Producer } from 'kafkajs';
import {
  startEmbeddedKafka,
  startEmbeddedSchemaRegistry,
  startFakeProviders,
} from '../src/embedded/index.js';
import type { EmbeddedKafka } from '../src/embedded/index.js';
import {
  AvroSerdes,
  createKafkaClient,
  ensureTopics,
  findSchemasDir,
  loadAvroSchemas,
  touchCommandAvroSerde,
} from '../src/io/index.js';
import { DeliveryWorkerProcess } from './support/delivery-bench-process.js';
import { deliveryProblems, readFeedback } from './support/delivery-bench-checks.js';
import {
  acceptedCounts,
  sumAccepted,
  waitAccepted,
  waitCommitted,
  zeroCounts,
} from './support/delivery-bench-progress.js';
import { sweepGuardKeys } from './support/delivery-bench-redis.js';
import {
  BENCH_CHANNELS,
  COMMANDS_PER_CUSTOMER,
  SIMULATED_START,
  benchChannelConfig,
  benchChannelOf,
  benchCommand,
  benchGuardConfig,
} from './support/delivery-bench-setup.js';
import type { BenchChannel, DeliveryWorkerConfig } from './support/delivery-bench-setup.js';
import { produceAll } from './support/kafka-e2e-cluster.js';

const env = (name: string, fallback: number): number => {
  const text = process.env[name];
  const value = text === undefined || text === '' ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
};
const COMMANDS = env('BENCH_DELIVERY_COMMANDS', 400_000);
const PARTITIONS = env('BENCH_DELIVERY_PARTITIONS', 8);
const BATCH_SIZE = env('BENCH_DELIVERY_BATCH', 500);
const CONCURRENCY = env('BENCH_DELIVERY_CONCURRENCY', 32);
const PARTITIONS_CONCURRENT = env('BENCH_DELIVERY_PARTITIONS_CONCURRENT', 2);
const CPU_PROF_DIR = process.env.BENCH_DELIVERY_CPU_PROF_DIR || undefined;
const PRODUCE_BATCH = 5_000;
const DELIVER_TIMEOUT_MS = 15 * 60_000;
const STALL_MS = 30_000;
const SETTLE_TIMEOUT_MS = 60_000;
const POLL_MS = 20;

const log = (message: string): void =>
  console.error(`[delivery ${new Date().toISOString().slice(11, 19)}] ${message}`);

interface Shared {
  runId: string;
  broker: EmbeddedKafka;
  registryUrl: string;
  admin: Admin;
  producer: Producer;
  encode: (command: object) => Buffer;
  decode: (bytes: Buffer) => Record<string, unknown>;
  redis: Redis;
  prefixes: string[];
}

interface PartResult {
  figures: Record<string, number>;
  accepted: Record<BenchChannel, number>;
}

export async function run(): Promise<Record<string, number>> {
  const runId = randomUUID().slice(0, 8);
  const broker = await startEmbeddedKafka({ port: 0 });
  const registry = await startEmbeddedSchemaRegistry({ port: 0 });
  const kafka = createKafkaClient({
    brokers: broker.brokers,
    clientId: 'bench-delivery',
    log: (level, message) => level === 'error' && log(`kafkajs: ${message}`),
  });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
  const prefixes: string[] = [];
  try {
    await admin.connect();
    await producer.connect();
    await redis.connect();
    const avro = new AvroSerdes({
      registry: new SchemaRegistry({ host: registry.url }),
      schemas: await loadAvroSchemas(findSchemasDir()),
    });
    await avro.prepare();
    const serde = touchCommandAvroSerde(avro);
    const shared: Shared = {
      runId,
      broker,
      registryUrl: registry.url,
      admin,
      producer,
      encode: (command) => Buffer.from(serde.serialize(command)),
      decode: (bytes) => avro.deserialize<Record<string, unknown>>(bytes),
      redis,
      prefixes,
    };
    const results: Record<string, number> = {
      commands: COMMANDS,
      customers: Math.ceil(COMMANDS / COMMANDS_PER_CUSTOMER),
      partitions: PARTITIONS,
      batch_size: BATCH_SIZE,
      concurrency_per_worker: CONCURRENCY,
      partitions_consumed_concurrently: PARTITIONS_CONCURRENT,
    };
    for (const workers of [1, 2]) {
      const part = await deliverPart(shared, workers);
      Object.assign(results, part.figures);
      if (workers === 1)
        for (const channel of BENCH_CHANNELS)
          results[`accepted_${channel}`] = part.accepted[channel];
    }
    return results;
  } finally {
    // A part that failed left its keys behind; a part that passed has swept its own already.
    for (const prefix of prefixes) await sweepGuardKeys(redis, prefix).catch(() => undefined);
    redis.disconnect();
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await registry.close().catch(() => undefined);
    await broker.close().catch(() => undefined);
  }
}

/** One part: fresh topics, Redis prefix and fake providers; `workers` worker processes. */
async function deliverPart(shared: Shared, workers: number): Promise<PartResult> {
  const label = workers === 1 ? '1_worker' : `${workers}_workers`;
  const applicationId = `bench-delivery-${shared.runId}-w${workers}`;
  const topics = {
    touches: `${applicationId}.touch-commands`,
    feedback: `${applicationId}.delivery-feedback`,
    deadLetters: `${applicationId}.delivery-dead-letters`,
  };
  const prefix = `bench:delivery:${shared.runId}:w${workers}:`;
  shared.prefixes.push(prefix);
  // Created here once, so that two workers starting together do not race to create them.
  await ensureTopics(shared.admin, [
    { topic: topics.touches, partitions: PARTITIONS },
    { topic: topics.feedback, partitions: PARTITIONS },
    { topic: topics.deadLetters, partitions: 1 },
  ]);
  const fakes = await startFakeProviders();
  const processes: DeliveryWorkerProcess[] = [];
  try {
    const sent = await produceCommands(shared, topics.touches, `w${workers}`);
    const startedAt = Date.now();
    const config = (instanceId: string): DeliveryWorkerConfig => ({
      brokers: shared.broker.brokers,
      registryUrl: shared.registryUrl,
      applicationId,
      instanceId,
      touchesTopic: topics.touches,
      feedbackTopic: topics.feedback,
      deadLetterTopic: topics.deadLetters,
      partitions: PARTITIONS,
      guards: benchGuardConfig(prefix),
      channels: benchChannelConfig(fakes),
      channelsKeyPrefix: `${prefix}channels:`,
      // The guards' clock reads SIMULATED_START now and runs on from there at real speed.
      clockOffsetMs: SIMULATED_START - startedAt,
      batchSize: BATCH_SIZE,
      concurrency: CONCURRENCY,
      partitionsConsumedConcurrently: PARTITIONS_CONCURRENT,
    });
    const parentCpu = process.cpuUsage();
    const redisCpu = await redisCpuSeconds(shared.redis);
    const loadBefore = loadavg()[0];
    for (let i = 1; i <= workers; i++)
      processes.push(
        new DeliveryWorkerProcess(
          `w${workers}-${i}`,
          config(`w${workers}-${i}`),
          onLog,
          CPU_PROF_DIR,
        ),
      );
    const started = await Promise.all(processes.map((p) => p.started()));
    // Two workers started together begin with a rebalance; what follows it is their steady pace.
    const joinedAt = Date.now();
    const acceptedAtJoin = sumAccepted(fakes);
    log(
      `${label}: ${workers} worker(s) joined after ${joinedAt - startedAt} ms, ${acceptedAtJoin} accepted by then`,
    );

    const doneAt = await waitAccepted(fakes, {
      total: sent.total,
      processes,
      label,
      timeoutMs: DELIVER_TIMEOUT_MS,
      stallMs: STALL_MS,
      pollMs: POLL_MS,
      log,
    });
    const accepted = acceptedCounts(fakes);
    const firstAcceptedAt = Math.min(
      ...BENCH_CHANNELS.flatMap((c) =>
        fakes
          .accepted(c)
          .slice(0, 1)
          .map((m) => m.at),
      ),
    );
    const parentCpuS = cpuSeconds(process.cpuUsage(parentCpu));
    const redisCpuS = Number(((await redisCpuSeconds(shared.redis)) - redisCpu).toFixed(1));
    const loadAfter = loadavg()[0];
    const stats = await waitCommitted(processes, sent.total, SETTLE_TIMEOUT_MS);
    for (const p of processes) await p.stop();

    const feedback = readFeedback(shared.broker, topics.feedback, PARTITIONS, shared.decode);
    const deadLetters = shared.broker.offsets(topics.deadLetters, 0)?.highWatermark ?? 0;
    const footprint = await sweepGuardKeys(shared.redis, prefix);
    const requests = BENCH_CHANNELS.flatMap((c) => fakes.received(c));
    const problems = deliveryProblems({
      produced: sent.byChannel,
      accepted,
      feedback,
      deadLetters,
      footprint,
    });
    if (problems.length > 0)
      throw new Error(`delivery bench ${label} failed its checks:\n  ${problems.join('\n  ')}`);
    log(
      `${label}: checks passed (${JSON.stringify(accepted)} accepted; ${feedback.records} feedback ` +
        `records; ${footprint.ledgerKeys} ledger entries, ${footprint.capKeys} cap counters, ` +
        `${footprint.rateKeys} token buckets)`,
    );

    const startCalledAt = Math.min(...started.map((s) => s.startCalledAt));
    const seconds = (doneAt - startCalledAt) / 1000;
    const batches = stats.reduce((n, s) => n + s.batches, 0);
    const redisWrites = stats.reduce((n, s) => n + s.redisWrites, 0);
    const figures: Record<string, number> = {
      [`touches_per_s_${label}`]: Math.round(sent.total / seconds),
      [`seconds_${label}`]: Number(seconds.toFixed(2)),
      [`touches_per_s_spawn_${label}`]: Math.round(sent.total / ((doneAt - startedAt) / 1000)),
      [`touches_per_s_steady_${label}`]: Math.round(
        sent.total / ((doneAt - firstAcceptedAt) / 1000),
      ),
      // Left out when the first worker delivered everything before the second joined (tiny runs).
      ...(acceptedAtJoin < sent.total && {
        [`touches_per_s_after_join_${label}`]: Math.round(
          (sent.total - acceptedAtJoin) / ((doneAt - joinedAt) / 1000),
        ),
      }),
      [`join_ms_${label}`]: joinedAt - startedAt,
      [`accepted_before_join_${label}`]: acceptedAtJoin,
      [`batches_${label}`]: batches,
      [`avg_batch_commands_${label}`]: Math.round(sent.total / Math.max(1, batches)),
      [`redis_round_trips_per_batch_${label}`]: Number((redisWrites / batches).toFixed(1)),
      [`redis_round_trips_per_touch_${label}`]: Number((redisWrites / sent.total).toFixed(3)),
      [`provider_requests_${label}`]: requests.length,
      [`provider_refusals_${label}`]: requests.filter((r) => r.status < 200 || r.status >= 300)
        .length,
      [`worker_cpu_s_${label}`]: Number(
        stats.reduce((n, s) => n + (s.cpuUserMs + s.cpuSystemMs) / 1000, 0).toFixed(1),
      ),
      // This process: the broker, the registry and the fake providers, from the spawn to the last acceptance.
      [`broker_and_providers_cpu_s_${label}`]: parentCpuS,
      // The Redis server's CPU, whoever asked: other clients of the shared Redis count too.
      [`redis_cpu_s_${label}`]: redisCpuS,
      // The machine's 1-minute load before the workers started and once they were done.
      [`load_avg_before_${label}`]: Number(loadBefore.toFixed(2)),
      [`load_avg_after_${label}`]: Number(loadAfter.toFixed(2)),
      [`produce_s_${label}`]: sent.seconds,
    };
    if (workers > 1)
      stats.forEach((s, i) => {
        figures[`batches_worker_${i + 1}_${label}`] = s.batches;
      });
    log(
      `${label}: ${sent.total} touches in ${seconds.toFixed(1)} s (${figures[`touches_per_s_${label}`]}/s), ` +
        `${batches} batches, ${figures[`redis_round_trips_per_batch_${label}`]} Redis round trips per batch`,
    );
    return { figures, accepted };
  } finally {
    for (const p of processes) await p.stop().catch(() => undefined);
    await fakes.stop();
  }
}

function onLog(id: string, message: { level: string; message: string; fields?: unknown }): void {
  // kafkajs reports every heartbeat refused during a rebalance as an error; those are expected.
  const fields = JSON.stringify(message.fields ?? {});
  if (!fields.includes('rebalancing')) log(`${id} ${message.level}: ${message.message} ${fields}`);
}

async function produceCommands(
  shared: Shared,
  topic: string,
  run: string,
): Promise<{ total: number; byChannel: Record<BenchChannel, number>; seconds: number }> {
  const customers = Math.ceil(COMMANDS / COMMANDS_PER_CUSTOMER);
  const byChannel = zeroCounts();
  const at = SIMULATED_START;
  function* messages(): Generator<Message> {
    for (let i = 0; i < COMMANDS; i++) {
      const command = benchCommand(run, i, customers, at);
      byChannel[benchChannelOf(i)] += 1;
      yield { key: command.customerId, value: shared.encode(command) };
    }
  }
  const started = Date.now();
  const total = await produceAll(shared.producer, topic, messages(), PRODUCE_BATCH, 4);
  const seconds = Number(((Date.now() - started) / 1000).toFixed(2));
  log(`${run}: produced ${total} Avro touch commands in ${seconds} s`);
  return { total, byChannel, seconds };
}

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) =>
    Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return Number(((usage.user + usage.system) / 1e6).toFixed(1));
}
