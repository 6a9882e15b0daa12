import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DeliveryCodecs } from './delivery-codecs.js';
import { itemFromRecord } from './delivery-item.js';
import type { DeliveryPipeline } from './delivery-pipeline.js';
import type { DeliveryLogger, DeliveryMetrics } from './delivery-ports.js';

export interface DeliveryWorkerOptions {
  kafka: Kafka;
  /** `<applicationId>-delivery`: its own group, apart from the topology's. */
  groupId: string;
  topic: string;
  pipeline: DeliveryPipeline;
  codecs: DeliveryCodecs;
  /** Commands guarded, sent and committed together. */
  batchSize: number;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  maxWaitTimeInMs?: number;
  logger?: DeliveryLogger;
  metrics?: DeliveryMetrics;
  /** Called after each commit (the offset is the next one to read). */
  onCommit?: (commit: { topic: string; partition: number; offset: number }) => void;
}

/**
 * The consumer group on the touch-commands topic. Each chunk of `batchSize` commands goes through
 * the pipeline, and its offsets are committed only once every outcome is on the feedback topic; a
 * crash or a revoked partition re-reads the chunk, and the idempotency ledger keeps a redelivered
 * command from being sent twice. Offsets are never committed automatically.
 */
export class DeliveryWorker {
  readonly #options: DeliveryWorkerOptions;
  readonly #consumer: Consumer;
  #running = false;
  #joined: Promise<void>;

  constructor(options: DeliveryWorkerOptions) {
    this.#options = options;
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 1_000,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? 30_000,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
      allowAutoTopicCreation: false,
    });
    this.#joined = new Promise((resolve) => {
      this.#consumer.on(this.#consumer.events.GROUP_JOIN, () => resolve());
    });
    this.#consumer.on(this.#consumer.events.CRASH, (event) => {
      options.logger?.error(
        { error: String(event.payload.error), restart: event.payload.restart },
        'delivery consumer crashed',
      );
    });
  }

  /** Resolves after the first join of the group (partitions assigned). */
  joined(): Promise<void> {
    return this.#joined;
  }

  async start(): Promise<void> {
    const { topic } = this.#options;
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic, fromBeginning: true });
    this.#running = true;
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#options.partitionsConsumedConcurrently ?? 2,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#consumer.disconnect();
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    const { pipeline, codecs, batchSize, metrics } = this.#options;
    let rebalancing = false;
    // Sends and outage waits can outlast a session: keep the membership alive while the chunk runs.
    const ticker = setInterval(() => {
      heartbeat().catch(() => {
        rebalancing = true;
      });
    }, this.#options.heartbeatIntervalMs ?? 1_000);
    const control = {
      isRunning: () => this.#running && isRunning() && !isStale() && !rebalancing,
    };
    try {
      for (let start = 0; start < batch.messages.length; start += batchSize) {
        if (!control.isRunning()) return;
        const chunk = batch.messages.slice(start, start + batchSize);
        const values = chunk.map((message) => message.value);
        if (codecs.prepare !== undefined) {
          const prepare = codecs.prepare.bind(codecs);
          if (!(await pipeline.retrying(() => prepare(values), control, chunk.length))) return;
        }
        const items = chunk.map((message) =>
          itemFromRecord(sourceOf(batch.topic, batch.partition, message), codecs),
        );
        metrics?.recordDeliveryConsumed('topic', items.length);
        if (!(await pipeline.run(items, control))) return;
        const last = chunk[chunk.length - 1].offset;
        const next = Number(last) + 1;
        await this.#consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: String(next) },
        ]);
        resolveOffset(last);
        this.#options.onCommit?.({ topic: batch.topic, partition: batch.partition, offset: next });
      }
    } finally {
      clearInterval(ticker);
    }
  }
}

function sourceOf(topic: string, partition: number, message: KafkaMessage) {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key,
    value: message.value,
  };
}
