/**
 * Client settings KafkaStreamsOptions does not expose, applied by wrapping the Kafka object the
 * runtime builds its clients from. The tests need them to be fast: a killed member's open
 * transaction aborted in seconds (kafkajs' default transaction timeout is 60 s), and fetch
 * long-polls shorter than kafkajs' 5 s default, because kafkajs heartbeats only between fetches and
 * every consumer disconnect waits for the fetch in flight.
 */
import type { ConsumerConfig, Kafka, ProducerConfig } from 'kafkajs';

export interface ClientTuning {
  transactionTimeoutMs?: number;
  fetchMaxWaitMs?: number;
}

export const TEST_TUNING: Required<ClientTuning> = {
  transactionTimeoutMs: 5_000,
  fetchMaxWaitMs: 200,
};

export function tunedKafka(kafka: Kafka, tuning: ClientTuning): Kafka {
  const tuned = Object.create(kafka) as Kafka;
  const { transactionTimeoutMs, fetchMaxWaitMs } = tuning;
  if (transactionTimeoutMs !== undefined) {
    tuned.producer = (config?: ProducerConfig) =>
      kafka.producer({ ...config, transactionTimeout: transactionTimeoutMs });
  }
  if (fetchMaxWaitMs !== undefined) {
    tuned.consumer = (config: ConsumerConfig) =>
      kafka.consumer({ maxWaitTimeInMs: fetchMaxWaitMs, ...config });
  }
  return tuned;
}
