/**
 * Child-process entry of bench/delivery.ts: one delivery worker (the touch-commands consumer group
 * and the deferral pump, as `touchstream deliver` runs them) with the real HTTP adapters, Avro
 * codecs and Redis guards, so its CPU is its own and not the broker's or the fake providers'.
 *
 *   node --import tsx delivery-bench-worker.ts '<json DeliveryWorkerConfig>'
 *
 * Reports over IPC: 'started' once it has joined the group, 'stats' when asked, 'failed'.
 * SIGTERM stops it cleanly.
 */
import { Socket } from 'node:net';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Redis } from 'ioredis';
import {
  AvroSerdes,
  createKafkaClient,
  findSchemasDir,
  loadAvroSchemas,
} from '../../src/io/index.js';
import {
  avroDeliveryCodecs,
  createAdapters,
  startDelivery,
  validateChannelConfig,
  validateGuardConfig,
} from '../../src/sinks/index.js';
import type { RunningDelivery } from '../../src/sinks/index.js';
import type { DeliveryWorkerConfig } from './delivery-bench-setup.js';

export interface WorkerStats {
  /** Chunks of up to batchSize commands guarded, sent and committed. */
  batches: number;
  /** Partition -> the next offset this worker committed there last (the topic starts empty). */
  committed: Record<number, number>;
  /** Writes on the delivery's Redis socket: with pipelining, one per round trip. */
  redisWrites: number;
  /** CPU since startDelivery was called (start-up of Node, tsx and the Avro schemas left out). */
  cpuUserMs: number;
  cpuSystemMs: number;
}

export type WorkerMessage =
  | { type: 'started'; startCalledAt: number; joinedAt: number }
  | { type: 'failed'; error: string }
  | { type: 'log'; level: string; message: string; fields?: Record<string, unknown> }
  | ({ type: 'stats' } & WorkerStats);

export type WorkerRequest = { type: 'stats?' };

/*
 * Round trips are counted at the socket: ioredis writes a whole pipeline (explicit or automatic)
 * in one write, so writes on the delivery's connection are its round trips to Redis. Patched
 * before any connection exists; the delivery's socket is picked out once startDelivery returns.
 */
const writesBySocket = new WeakMap<object, number>();
const write = Socket.prototype.write;
Socket.prototype.write = function countedWrite(this: Socket, ...args: unknown[]) {
  writesBySocket.set(this, (writesBySocket.get(this) ?? 0) + 1);
  return (write as (...a: unknown[]) => boolean).apply(this, args);
} as typeof Socket.prototype.write;

const config = JSON.parse(process.argv[2] ?? '{}') as DeliveryWorkerConfig;
const report = (message: WorkerMessage): void => {
  if (process.send !== undefined && process.connected) process.send(message);
};

const committedOffsets = new Map<number, number>();
let batches = 0;
let cpuAtStart: NodeJS.CpuUsage | undefined;
let delivery: RunningDelivery | undefined;
let adapterRedis: Redis | undefined;

function stats(): WorkerStats {
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    batches,
    committed: Object.fromEntries(committedOffsets),
    redisWrites: delivery === undefined ? 0 : (writesBySocket.get(delivery.redis.stream) ?? 0),
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
  };
}

process.on('message', (raw) => {
  if ((raw as WorkerRequest).type === 'stats?') report({ type: 'stats', ...stats() });
});

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void (delivery?.stop() ?? Promise.resolve()).then(
    () => {
      adapterRedis?.disconnect();
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`worker ${config.instanceId}: stop failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});

try {
  const kafka = createKafkaClient({
    brokers: config.brokers,
    clientId: config.instanceId,
    log: (level, message, fields) => {
      if (level === 'error') report({ type: 'log', level, message, fields });
    },
  });
  const avro = new AvroSerdes({
    registry: new SchemaRegistry({ host: config.registryUrl }),
    schemas: await loadAvroSchemas(findSchemasDir()),
  });
  await avro.prepare();
  // The adapters' own connection (the WeChat token), apart from the delivery's counted one.
  adapterRedis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
  await adapterRedis.connect();
  const adapters = createAdapters(validateChannelConfig(config.channels), {
    redis: adapterRedis,
    keyPrefix: config.channelsKeyPrefix,
  });
  const startCalledAt = Date.now();
  cpuAtStart = process.cpuUsage();
  delivery = await startDelivery({
    kafka,
    applicationId: config.applicationId,
    instanceId: config.instanceId,
    touchesTopic: config.touchesTopic,
    partitions: config.partitions,
    settings: {
      redisUrl: 'redis://127.0.0.1:6379',
      guards: validateGuardConfig(config.guards),
      concurrency: config.concurrency,
      batchSize: config.batchSize,
      deferralPollMs: 1_000,
      deferralLeaseMs: 60_000,
      feedbackTopic: config.feedbackTopic,
      deadLetterTopic: config.deadLetterTopic,
    },
    codecs: avroDeliveryCodecs(avro),
    adapters: [...adapters.values()],
    clock: () => Date.now() + config.clockOffsetMs,
    consumer: {
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
    },
    logger: {
      info: () => undefined,
      warn: (fields, message) => report({ type: 'log', level: 'warn', message, fields }),
      error: (fields, message) => report({ type: 'log', level: 'error', message, fields }),
    },
    onCommit: ({ partition, offset }) => {
      batches += 1;
      committedOffsets.set(partition, offset);
    },
  });
  await delivery.worker.joined();
  report({ type: 'started', startCalledAt, joinedAt: Date.now() });
} catch (error) {
  report({
    type: 'failed',
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exit(1);
}
