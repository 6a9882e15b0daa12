/**
 * Child-process entry: the delivery stage alone (consumer group + deferral pump) against the
 * test's broker, Redis and fake provider, so the test can `kill -9` it mid-batch.
 *
 *   TS_DELIVERY_CHILD='<json ChildConfig>' node --import tsx worker-child.ts
 *
 * Reports { type: 'started' } over IPC once it has joined the group; SIGTERM stops it cleanly.
 */
import { createKafkaClient } from '../../../../src/io/index.js';
import {
  jsonDeliveryCodecs,
  startDelivery,
  validateGuardConfig,
} from '../../../../src/sinks/index.js';
import type { GuardConfigInput } from '../../../../src/sinks/index.js';
import { HttpAdapter } from './http-adapter.js';

export interface ChildConfig {
  brokers: string[];
  applicationId: string;
  instanceId: string;
  touchesTopic: string;
  feedbackTopic: string;
  deadLetterTopic: string;
  partitions: number;
  guards: GuardConfigInput;
  providerUrl: string;
  /** Added to Date.now(): the simulated time the guards judge by. */
  clockOffsetMs: number;
  batchSize: number;
  concurrency: number;
  deferralLeaseMs: number;
}

const config = JSON.parse(process.env.TS_DELIVERY_CHILD ?? '{}') as ChildConfig;
const report = (message: object): void => {
  if (process.send !== undefined && process.connected) process.send(message);
};

const kafka = createKafkaClient({
  brokers: config.brokers,
  clientId: config.instanceId,
  log: (level, message) => {
    if (level === 'error') report({ type: 'log', level, message });
  },
});
const delivery = await startDelivery({
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
    deferralPollMs: 100,
    deferralLeaseMs: config.deferralLeaseMs,
    feedbackTopic: config.feedbackTopic,
    deadLetterTopic: config.deadLetterTopic,
  },
  codecs: jsonDeliveryCodecs(),
  adapters: ['push', 'sms'].map(
    (channel) => new HttpAdapter(channel, config.providerUrl, config.concurrency),
  ),
  clock: () => Date.now() + config.clockOffsetMs,
  consumer: {
    sessionTimeoutMs: 3_000,
    heartbeatIntervalMs: 300,
    rebalanceTimeoutMs: 5_000,
    maxWaitTimeInMs: 100,
    partitionsConsumedConcurrently: 2,
  },
  backoff: { initialMs: 50, maxMs: 1_000 },
  logger: {
    info: () => undefined,
    warn: (fields, message) => report({ type: 'log', level: 'warn', message, fields }),
    error: (fields, message) => report({ type: 'log', level: 'error', message, fields }),
  },
});
await delivery.worker.joined();
report({ type: 'started' });
process.once('SIGTERM', () => {
  void delivery.stop().then(() => process.exit(0));
});
