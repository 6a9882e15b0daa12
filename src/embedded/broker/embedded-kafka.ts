import { BrokerState } from './broker-state.js';
import type { EmbeddedKafkaOptions } from './options.js';
import { resolveOptions } from './options.js';
import { decodeRecords } from './protocol/record-batch.js';
import type { DecodedRecord } from './protocol/record-batch.js';
import { BrokerServer } from './server/broker-server.js';
import { DataDirStore } from './storage/data-dir-store.js';

export interface TopicDescription {
  name: string;
  partitions: number;
  configs: Record<string, string>;
}

export interface PartitionOffsets {
  logStartOffset: number;
  highWatermark: number;
  lastStableOffset: number;
}

export interface EmbeddedKafka {
  readonly host: string;
  readonly port: number;
  /** `host:port`, ready for `new Kafka({ brokers })`. */
  readonly brokers: string[];
  /** Topics with their partition counts and the configs set at creation. */
  topics(): TopicDescription[];
  /** Offsets of one partition, or undefined when it does not exist. */
  offsets(topic: string, partition: number): PartitionOffsets | undefined;
  /** Every record stored in a partition, control records included (none/gzip batches only). */
  records(
    topic: string,
    partition: number,
  ): (DecodedRecord & { isControl: boolean; isTransactional: boolean })[];
  /** Stops listening, closes client connections and data files. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a single-node Kafka-protocol broker for development and tests. kafkajs (and kcat) talk to
 * it over TCP as they would to Kafka; see docs/embedded-broker.md for what it does and does not do.
 */
export async function startEmbeddedKafka(
  options: EmbeddedKafkaOptions = {},
): Promise<EmbeddedKafka> {
  const resolved = resolveOptions(options);
  const broker = new BrokerState(resolved);
  const store = resolved.dataDir === null ? null : new DataDirStore(resolved.dataDir, broker);
  store?.open();
  const server = new BrokerServer(broker);
  let port: number;
  try {
    port = await server.listen(resolved.host, resolved.port);
  } catch (error) {
    store?.close();
    broker.close();
    throw error;
  }
  broker.port = port;
  resolved.logger('info', 'embedded broker listening', {
    host: resolved.host,
    port,
    dataDir: resolved.dataDir,
  });
  let closing: Promise<void> | null = null;
  return {
    host: resolved.host,
    port,
    brokers: [`${resolved.host}:${port}`],
    topics: () =>
      [...broker.topics.topics.values()].map((t) => ({
        name: t.name,
        partitions: t.partitions.length,
        configs: Object.fromEntries(t.configs),
      })),
    offsets(topic, partition) {
      const log = broker.partition(topic, partition);
      if (log === undefined) return undefined;
      return {
        logStartOffset: log.logStartOffset,
        highWatermark: log.highWatermark,
        lastStableOffset: log.lastStableOffset,
      };
    },
    records(topic, partition) {
      const log = broker.partition(topic, partition);
      if (log === undefined) return [];
      return log.batches.flatMap((batch) =>
        (decodeRecords(batch.data) ?? []).map((r) => ({
          ...r,
          isControl: batch.isControl,
          isTransactional: batch.isTransactional,
        })),
      );
    },
    close() {
      closing ??= (async () => {
        broker.close();
        await server.close();
        store?.close();
        resolved.logger('info', 'embedded broker closed', { port });
      })();
      return closing;
    },
  };
}
