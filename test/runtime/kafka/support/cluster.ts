/**
 * An embedded broker with touchstream's topics, the rules on the rules topic, a producer for
 * events and a read_committed reader of the outputs: what every Kafka runtime test starts from.
 */
import type { Admin, Consumer, Kafka, Producer, RecordMetadata } from 'kafkajs';
import { startEmbeddedKafka } from '../../../../src/embedded/index.js';
import type { EmbeddedKafka, EmbeddedKafkaOptions } from '../../../../src/embedded/index.js';
import { createKafkaClient, endOffsets, ensureTopics } from '../../../../src/io/index.js';
import type { Rule } from '../../../../src/rules/index.js';
import { DEFAULT_TOPICS } from '../../../../src/runtime/index.js';
import type { TouchstreamTopics } from '../../../../src/runtime/index.js';
import type { ScenarioEvent } from './scenario.js';
import { waitFor } from './wait.js';

export const DEAD_LETTER_TOPIC = 'touchstream-it.dead-letters';

export interface OutputRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export class TestCluster {
  readonly topics: TouchstreamTopics = DEFAULT_TOPICS;
  private readonly readers: Consumer[] = [];

  private constructor(
    readonly broker: EmbeddedKafka,
    readonly kafka: Kafka,
    readonly admin: Admin,
    readonly producer: Producer,
    readonly partitions: number,
  ) {}

  static async start(options: {
    partitions: number;
    rules: readonly Rule[];
    logger?: EmbeddedKafkaOptions['logger'];
  }): Promise<TestCluster> {
    const broker = await startEmbeddedKafka({ port: 0, logger: options.logger });
    const kafka = createKafkaClient({ brokers: broker.brokers, clientId: 'kafka-it' });
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const cluster = new TestCluster(broker, kafka, admin, producer, options.partitions);
    const { topics } = cluster;
    await ensureTopics(admin, [
      { topic: topics.events, partitions: options.partitions },
      { topic: topics.broadcasts, partitions: 1 },
      { topic: topics.rules, partitions: 1, compact: true },
      { topic: topics.transitions, partitions: options.partitions },
      { topic: topics.touches, partitions: options.partitions },
      { topic: topics.ruleRejections, partitions: 1 },
      { topic: DEAD_LETTER_TOPIC, partitions: 1 },
    ]);
    await producer.send({
      topic: topics.rules,
      messages: options.rules.map((rule) => ({
        key: rule.id,
        value: JSON.stringify(rule),
        timestamp: '0',
      })),
    });
    return cluster;
  }

  /** Customer events to the events topic (keyed by customer), broadcasts to the broadcast topic. */
  async produce(events: readonly ScenarioEvent[]): Promise<RecordMetadata[]> {
    const customer = events.filter((event) => event.type !== 'broadcast');
    const broadcasts = events.filter((event) => event.type === 'broadcast');
    const sent: RecordMetadata[] = [];
    if (customer.length > 0) {
      sent.push(
        ...(await this.producer.send({
          topic: this.topics.events,
          messages: customer.map((event) => ({
            key: String(event.customerId),
            value: JSON.stringify(event),
            timestamp: String(event.ts),
          })),
        })),
      );
    }
    if (broadcasts.length > 0) {
      sent.push(
        ...(await this.producer.send({
          topic: this.topics.broadcasts,
          messages: broadcasts.map((event) => ({
            key: null,
            value: JSON.stringify(event),
            timestamp: String(event.ts),
          })),
        })),
      );
    }
    return sent;
  }

  /** Raw bytes (poison records) to one partition of the events topic; resolves to its offset. */
  async produceRaw(partition: number, key: string, value: string, ts: number): Promise<number> {
    const [meta] = await this.producer.send({
      topic: this.topics.events,
      messages: [{ key, value, partition, timestamp: String(ts) }],
    });
    return Number(meta.baseOffset);
  }

  /**
   * A read_committed consumer of the given topics from the beginning; resolves once it has its
   * partitions. A record redelivered to it (after a rebalance of its own group) is kept once, by
   * offset, so a duplicate in its list is a duplicate on the topic.
   */
  async reader(topics: readonly string[]): Promise<OutputRecord[]> {
    const records: OutputRecord[] = [];
    const seen = new Set<string>();
    const consumer = this.kafka.consumer({
      groupId: `reader-${this.readers.length}-${Date.now()}`,
      readUncommitted: false,
      sessionTimeout: 3_000,
      heartbeatInterval: 300,
      maxWaitTimeInMs: 100,
    });
    this.readers.push(consumer);
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    await consumer.connect();
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const position = `${topic}/${partition}/${message.offset}`;
        if (seen.has(position)) return;
        seen.add(position);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {}))
          if (value !== undefined) headers[name] = String(value);
        records.push({
          topic,
          partition,
          offset: Number(message.offset),
          key: message.key === null ? null : message.key.toString('utf8'),
          value: message.value === null ? null : message.value.toString('utf8'),
          headers,
        });
      },
    });
    await waitFor(() => joined, { timeoutMs: 20_000, what: 'the output reader to join its group' });
    return records;
  }

  /** The group's committed offset per partition of the topic (-1: none). */
  async committed(groupId: string, topic: string): Promise<Map<number, number>> {
    const [entry] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  }

  /** True when the group has committed every partition of the topic up to its end. */
  async caughtUp(groupId: string, topic: string): Promise<boolean> {
    const ends = await endOffsets(this.admin, topic);
    const [committed] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    for (const [partition, end] of ends) {
      const entry = committed?.partitions.find((candidate) => candidate.partition === partition);
      const offset = entry === undefined ? -1 : Number(entry.offset);
      if (end > 0 && offset < end) return false;
    }
    return true;
  }

  /** The application's changelog topics as they exist now (the runtime creates one per store). */
  changelogTopics(applicationId: string): string[] {
    return this.broker
      .topics()
      .map((topic) => topic.name)
      .filter((name) => name.startsWith(`${applicationId}-`) && name.endsWith('-changelog'))
      .sort();
  }

  /** Changelog records (transaction markers not counted) of one partition, over every store. */
  changelogRecords(applicationId: string, partition: number): number {
    let count = 0;
    for (const topic of this.changelogTopics(applicationId)) {
      count += this.broker.records(topic, partition).filter((record) => !record.isControl).length;
    }
    return count;
  }

  async close(): Promise<void> {
    for (const reader of this.readers) await reader.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    await this.broker.close();
  }
}

/** Values of the records of one topic, parsed. */
export function valuesOf<T>(records: readonly OutputRecord[], topic: string): T[] {
  return records
    .filter((record) => record.topic === topic && record.value !== null)
    .map((record) => JSON.parse(record.value as string) as T);
}
