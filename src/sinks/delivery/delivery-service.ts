import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { ensureTopics } from '../../io/index.js';
import type { ChannelAdapter, TouchCommand } from '../channels/types.js';
import { RedisCommandRecords } from '../feedback/index.js';
import { DeferralQueue, GuardChain } from '../guards/index.js';
import type { GuardConfig } from '../guards/index.js';
import type { BackoffOptions } from './backoff.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import type { DeliveryCodecs } from './delivery-codecs.js';
import { DeliveryOutput } from './delivery-output.js';
import { DeliveryPipeline } from './delivery-pipeline.js';
import type { DeliveryLogger, DeliveryMetrics } from './delivery-ports.js';
import { DeliveryWorker } from './delivery-worker.js';
import { DeferralPump } from './deferral-pump.js';
import { InvalidDeliveryOptionError } from './errors.js';

/** The delivery section of the validated config, as the service needs it. */
export interface DeliverySettings {
  redisUrl: string;
  guards: Readonly<GuardConfig>;
  /** Sends in flight at once per instance. */
  concurrency: number;
  /** Commands guarded, sent and committed together. */
  batchSize: number;
  deferralPollMs: number;
  /** How long a deferred command taken by one instance stays hidden from the others. */
  deferralLeaseMs: number;
  feedbackTopic: string;
  deadLetterTopic: string;
}

export interface DeliveryServiceOptions {
  kafka: Kafka;
  applicationId: string;
  /** Owner of this instance's idempotency claims; keep it stable across restarts. */
  instanceId: string;
  touchesTopic: string;
  /** Partitions of the touch-commands and feedback topics when delivery has to create them. */
  partitions: number;
  settings: DeliverySettings;
  codecs: DeliveryCodecs;
  /** One per channel; the service closes them when it stops. */
  adapters: readonly ChannelAdapter[];
  clock?: () => number;
  consumer?: {
    sessionTimeoutMs?: number;
    heartbeatIntervalMs?: number;
    rebalanceTimeoutMs?: number;
    maxWaitTimeInMs?: number;
    partitionsConsumedConcurrently?: number;
  };
  backoff?: BackoffOptions;
  logger?: DeliveryLogger;
  metrics?: DeliveryMetrics;
  onCommit?: (commit: { topic: string; partition: number; offset: number }) => void;
  /** Keep a record of each sent command under this prefix, for provider callbacks to look up. */
  commandRecords?: { keyPrefix: string; ttlMs?: number };
}

export interface RunningDelivery {
  readonly worker: DeliveryWorker;
  readonly pump: DeferralPump;
  readonly redis: Redis;
  stop(): Promise<void>;
}

function positiveInteger(option: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidDeliveryOptionError(option, 'must be a positive integer', value);
}

/*
 * Commands on a connection that drops are failed at once rather than queued or replayed by the
 * client: the pipeline decides what to retry, and it must know a guard did not answer.
 */
export function createDeliveryRedis(url: string, logger?: DeliveryLogger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    enableAutoPipelining: true,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(100 * times, 2_000),
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger?.warn({ url: redactUrl(url), error: error.message }, 'delivery lost Redis; retrying');
  });
  redis.on('ready', () => {
    if (down) logger?.info({ url: redactUrl(url) }, 'delivery reconnected to Redis');
    down = false;
  });
  return redis;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * Starts the delivery stage of one instance: the touch-commands consumer group and the deferral
 * pump, sharing one Redis connection, one feedback producer and one limit on sends in flight.
 */
export async function startDelivery(options: DeliveryServiceOptions): Promise<RunningDelivery> {
  const { settings, kafka, logger, metrics } = options;
  positiveInteger('concurrency', settings.concurrency);
  positiveInteger('batchSize', settings.batchSize);
  positiveInteger('deferralPollMs', settings.deferralPollMs);
  positiveInteger('deferralLeaseMs', settings.deferralLeaseMs);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [
      { topic: options.touchesTopic, partitions: options.partitions },
      { topic: settings.feedbackTopic, partitions: options.partitions },
      { topic: settings.deadLetterTopic, partitions: 1 },
    ]);
  } finally {
    await admin.disconnect();
  }
  const redis = createDeliveryRedis(settings.redisUrl, logger);
  const output = new DeliveryOutput({
    kafka,
    feedbackTopic: settings.feedbackTopic,
    deadLetterTopic: settings.deadLetterTopic,
    codecs: options.codecs,
  });
  try {
    await output.connect();
    const deferrals = new DeferralQueue<TouchCommand>(redis, {
      keyPrefix: settings.guards.keyPrefix,
      leaseMs: settings.deferralLeaseMs,
    });
    const limit = new ConcurrencyLimit(settings.concurrency);
    const records =
      options.commandRecords === undefined
        ? undefined
        : new RedisCommandRecords({ redis, ...options.commandRecords });
    // The pump claims under an owner of its own, so it and the consumer never both hold one claim.
    const pipeline = (owner: string) =>
      new DeliveryPipeline({
        redis,
        guards: new GuardChain(redis, { config: settings.guards, owner, clock: options.clock }),
        deferrals,
        adapters: options.adapters,
        output,
        records,
        owner,
        limit,
        clock: options.clock,
        backoff: options.backoff,
        logger,
        metrics,
      });
    const topicPipeline = pipeline(options.instanceId);
    const deferralPipeline = pipeline(`${options.instanceId}:deferrals`);
    const worker = new DeliveryWorker({
      kafka,
      groupId: `${options.applicationId}-delivery`,
      topic: options.touchesTopic,
      pipeline: topicPipeline,
      codecs: options.codecs,
      batchSize: settings.batchSize,
      ...options.consumer,
      logger,
      metrics,
      onCommit: options.onCommit,
    });
    const pump = new DeferralPump({
      deferrals,
      pipeline: deferralPipeline,
      pollMs: settings.deferralPollMs,
      batchSize: settings.batchSize,
      logger,
      metrics,
    });
    await worker.start();
    pump.start();
    let stopped: Promise<void> | undefined;
    return {
      worker,
      pump,
      redis,
      stop: () =>
        (stopped ??= (async () => {
          topicPipeline.stop();
          deferralPipeline.stop();
          await pump.stop();
          await worker.stop().catch(() => undefined);
          await output.close();
          for (const adapter of options.adapters) await adapter.close().catch(() => undefined);
          redis.disconnect();
        })()),
    };
  } catch (error) {
    await output.close();
    redis.disconnect();
    throw error;
  }
}
