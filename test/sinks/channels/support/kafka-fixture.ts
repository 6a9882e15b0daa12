import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { startEmbeddedKafka } from '../../../../src/embedded/index.js';
import type { EmbeddedKafka } from '../../../../src/embedded/index.js';
import { createKafkaClient, ensureTopics } from '../../../../src/io/index.js';
import { COMMAND_ID_HEADER } from '../../../../src/sinks/index.js';
import type { TopicProducer } from '../../../../src/sinks/index.js';
import type { ProviderFixture } from '../adapter-conformance.js';

/** A Kafka-topic message as it sits on the broker. */
export interface TopicMessage {
  key: string | null;
  value: unknown;
  headers: Record<string, string>;
}

/**
 * An embedded broker that refuses to create topics on first use, with an admin and a producer
 * that leaves retrying to the adapter. Shared by a test file; each test gets its own topic.
 */
export class KafkaBroker {
  private constructor(
    readonly broker: EmbeddedKafka,
    readonly kafka: Kafka,
    readonly admin: Admin,
    readonly producer: Producer,
  ) {}

  static async start(): Promise<KafkaBroker> {
    const broker = await startEmbeddedKafka({ port: 0, autoCreateTopics: false });
    const kafka = createKafkaClient({ brokers: broker.brokers, clientId: 'channels-test' });
    const admin = kafka.admin();
    await admin.connect();
    // kafkajs refuses an idempotent producer without retries; here the adapter's policy is the only retry.
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    return new KafkaBroker(broker, kafka, admin, producer);
  }

  async newTopic(): Promise<string> {
    const topic = `channel-test-${randomUUID()}`;
    await ensureTopics(this.admin, [{ topic, partitions: 1 }]);
    return topic;
  }

  messages(topic: string): TopicMessage[] {
    return this.broker
      .records(topic, 0)
      .filter((r) => !r.isControl)
      .map((r) => ({
        key: r.key === null ? null : r.key.toString(),
        value: r.value === null ? null : (JSON.parse(r.value.toString()) as unknown),
        headers: Object.fromEntries(r.headers.map((h) => [h.key, String(h.value)])),
      }));
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
    await this.admin.disconnect();
    await this.broker.close();
  }
}

/**
 * One topic on the shared broker. Failures are the broker's own answers: a retryable one is a
 * write steered to a topic that does not exist (UNKNOWN_TOPIC_OR_PARTITION), a rejection a write
 * steered to an invalid topic name (INVALID_TOPIC_EXCEPTION). Latency is added before the write.
 */
export class KafkaTopicFixture implements ProviderFixture {
  readonly producer: TopicProducer;
  #calls = 0;
  #failures: { remaining: number; topic: string } | null = null;
  #latencyMs = 0;

  private constructor(
    readonly shared: KafkaBroker,
    readonly topic: string,
  ) {
    this.producer = {
      send: async (record) => {
        this.#calls += 1;
        if (this.#latencyMs > 0) await delay(this.#latencyMs);
        let topic = record.topic;
        if (this.#failures !== null) {
          topic = this.#failures.topic;
          this.#failures.remaining -= 1;
          if (this.#failures.remaining <= 0) this.#failures = null;
        }
        return this.shared.producer.send({ ...record, topic });
      },
    };
  }

  static async start(shared: KafkaBroker): Promise<KafkaTopicFixture> {
    return new KafkaTopicFixture(shared, await shared.newTopic());
  }

  calls(): number {
    return this.#calls;
  }

  messages(): TopicMessage[] {
    return this.shared.messages(this.topic);
  }

  accepted(): TopicMessage[] {
    const seen = new Set<string>();
    return this.messages().filter((m) => {
      const id = m.headers[COMMAND_ID_HEADER];
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }

  failNext(n: number, kind: 'retryable' | 'rejected'): void {
    this.#failures =
      n <= 0
        ? null
        : {
            remaining: n,
            topic: kind === 'retryable' ? `missing-${randomUUID()}` : 'not a valid topic!',
          };
  }

  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  async close(): Promise<void> {}
}
