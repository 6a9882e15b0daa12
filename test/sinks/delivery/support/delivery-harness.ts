/**
 * An embedded broker with a touch-commands topic, a Redis key prefix of its own, and the delivery
 * stage started against them: what every delivery test starts from. Output topics are read
 * straight from the broker's log, so reading never joins a consumer group.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { startEmbeddedKafka } from '../../../../src/embedded/index.js';
import type { EmbeddedKafka } from '../../../../src/embedded/index.js';
import { createKafkaClient, ensureTopics } from '../../../../src/io/index.js';
import { MetricsRegistry } from '../../../../src/observability/index.js';
import {
  jsonDeliveryCodecs,
  startDelivery,
  validateGuardConfig,
} from '../../../../src/sinks/index.js';
import type {
  ChannelAdapter,
  DeliveryCodecs,
  DeliveryFeedback,
  DeliveryServiceOptions,
  GuardConfigInput,
  RunningDelivery,
  TouchCommand,
} from '../../../../src/sinks/index.js';
import { openRedis } from '../../guards/redis-fixture.js';
import type { RedisFixture } from '../../guards/redis-fixture.js';

// 2026-01-10 10:00 in Asia/Shanghai
export const NOON = Date.UTC(2026, 0, 10, 2);
// 2026-01-10 22:00 in Asia/Shanghai: inside SMS quiet hours 21:00-08:00
export const NIGHT = Date.UTC(2026, 0, 10, 14);
// 2026-01-11 08:00 in Asia/Shanghai: the end of that night's quiet hours
export const MORNING = Date.UTC(2026, 0, 11, 0);

let sequence = 0;

export function command(overrides: Partial<TouchCommand> = {}): TouchCommand {
  sequence += 1;
  return {
    commandId: `cmd-${sequence}`,
    at: NOON,
    trigger: 'renewal-reminder',
    ruleVersion: 3,
    customerId: `cust-${sequence}`,
    channel: 'push',
    template: 'renewal',
    params: { plate: '沪A12345' },
    heldOut: false,
    createdAt: NOON,
    phone: '13800000000',
    openid: null,
    pushRegistrationId: 'reg-1',
    ...overrides,
  };
}

export interface DeadLetterValue {
  stage: string;
  code: string;
  message: string;
  commandId: string | null;
  channel: string | null;
  topic: string | null;
  offset: number | null;
  value: string | null;
  attempts: number | null;
}

export interface StartOptions {
  adapters: ChannelAdapter[];
  guards?: GuardConfigInput;
  clock?: () => number;
  batchSize?: number;
  concurrency?: number;
  codecs?: DeliveryCodecs;
  redisUrl?: string;
  instanceId?: string;
  onCommit?: DeliveryServiceOptions['onCommit'];
  commandRecords?: DeliveryServiceOptions['commandRecords'];
}

export class DeliveryHarness {
  readonly applicationId = `dlv-${randomUUID().slice(0, 8)}`;
  readonly topics = {
    touches: `${this.applicationId}.touch-commands`,
    feedback: `${this.applicationId}.delivery-feedback`,
    deadLetters: `${this.applicationId}.delivery-dead-letters`,
  };
  readonly metrics = new MetricsRegistry();
  readonly logs: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  private readonly running: RunningDelivery[] = [];

  private constructor(
    readonly broker: EmbeddedKafka,
    readonly kafka: Kafka,
    readonly admin: Admin,
    readonly producer: Producer,
    readonly redis: RedisFixture,
    readonly partitions: number,
  ) {}

  static async start(
    options: { partitions?: number; autoCreateTopics?: boolean } = {},
  ): Promise<DeliveryHarness> {
    const broker = await startEmbeddedKafka({
      port: 0,
      autoCreateTopics: options.autoCreateTopics ?? true,
    });
    const kafka = createKafkaClient({ brokers: broker.brokers, clientId: 'delivery-it' });
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const redis = await openRedis();
    const harness = new DeliveryHarness(
      broker,
      kafka,
      admin,
      producer,
      redis,
      options.partitions ?? 2,
    );
    await ensureTopics(admin, [{ topic: harness.topics.touches, partitions: harness.partitions }]);
    return harness;
  }

  get groupId(): string {
    return `${this.applicationId}-delivery`;
  }

  /** Touch commands as JSON values keyed by customer, as the topology writes them in JSON mode. */
  async produce(commands: readonly object[]): Promise<void> {
    await this.producer.send({
      topic: this.topics.touches,
      messages: commands.map((c) => ({
        key: String((c as { customerId?: unknown }).customerId ?? ''),
        value: JSON.stringify(c),
      })),
    });
  }

  async produceRaw(key: string, value: Buffer | null): Promise<void> {
    await this.producer.send({ topic: this.topics.touches, messages: [{ key, value }] });
  }

  async startDelivery(options: StartOptions): Promise<RunningDelivery> {
    const delivery = await startDelivery({
      kafka: this.kafka,
      applicationId: this.applicationId,
      instanceId: options.instanceId ?? 'worker-1',
      touchesTopic: this.topics.touches,
      partitions: this.partitions,
      settings: {
        redisUrl: options.redisUrl ?? 'redis://127.0.0.1:6379',
        guards: validateGuardConfig({ keyPrefix: this.redis.prefix, ...options.guards }),
        concurrency: options.concurrency ?? 8,
        batchSize: options.batchSize ?? 100,
        deferralPollMs: 50,
        deferralLeaseMs: 2_000,
        feedbackTopic: this.topics.feedback,
        deadLetterTopic: this.topics.deadLetters,
      },
      codecs: options.codecs ?? jsonDeliveryCodecs(),
      adapters: options.adapters,
      clock: options.clock,
      consumer: {
        sessionTimeoutMs: 3_000,
        heartbeatIntervalMs: 300,
        rebalanceTimeoutMs: 5_000,
        maxWaitTimeInMs: 100,
      },
      backoff: { initialMs: 50, maxMs: 500 },
      logger: {
        info: (fields, message) => this.logs.push({ level: 'info', message, fields }),
        warn: (fields, message) => this.logs.push({ level: 'warn', message, fields }),
        error: (fields, message) => this.logs.push({ level: 'error', message, fields }),
      },
      metrics: this.metrics,
      onCommit: options.onCommit,
      commandRecords: options.commandRecords,
    });
    this.running.push(delivery);
    return delivery;
  }

  /** Every record of a topic, over all its partitions, in no particular cross-partition order. */
  records(topic: string) {
    const description = this.broker.topics().find((t) => t.name === topic);
    if (description === undefined) return [];
    const out = [];
    for (let p = 0; p < description.partitions; p++)
      out.push(...this.broker.records(topic, p).filter((r) => !r.isControl));
    return out;
  }

  feedback(): DeliveryFeedback[] {
    return this.records(this.topics.feedback).map(
      (r) => JSON.parse((r.value as Buffer).toString('utf8')) as DeliveryFeedback,
    );
  }

  feedbackOf(commandId: string): DeliveryFeedback[] {
    return this.feedback().filter((f) => f.commandId === commandId);
  }

  deadLetters(): DeadLetterValue[] {
    return this.records(this.topics.deadLetters).map(
      (r) => JSON.parse((r.value as Buffer).toString('utf8')) as DeadLetterValue,
    );
  }

  /** Committed offset per partition of the touch-commands topic (-1: none). */
  async committed(): Promise<number[]> {
    const [entry] = await this.admin.fetchOffsets({
      groupId: this.groupId,
      topics: [this.topics.touches],
    });
    const out = new Array<number>(this.partitions).fill(-1);
    for (const p of entry?.partitions ?? []) out[p.partition] = Number(p.offset);
    return out;
  }

  /** Records on the touch-commands topic, over all partitions. */
  produced(): number {
    let total = 0;
    for (let p = 0; p < this.partitions; p++)
      total += this.broker.offsets(this.topics.touches, p)?.highWatermark ?? 0;
    return total;
  }

  async close(): Promise<void> {
    for (const delivery of this.running) await delivery.stop().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    await this.broker.close();
    await this.redis.close();
  }
}
