/**
 * Topics kept in memory for the in-process driver: partitioned append-only logs with offsets.
 * A cluster object outlives a driver, so a test can stop a driver, start another on the same
 * topics and watch it restore from its changelogs, as it would after a restart against Kafka.
 */
import type { Headers } from '../operators/index.js';
import { RuntimeError } from './errors.js';

export interface StoredRecord {
  offset: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  timestamp: number;
  headers?: Headers;
}

export class InMemoryTopic {
  readonly partitions: StoredRecord[][];

  constructor(
    readonly name: string,
    partitionCount: number,
  ) {
    this.partitions = Array.from({ length: partitionCount }, () => []);
  }

  get partitionCount(): number {
    return this.partitions.length;
  }

  append(partition: number, record: Omit<StoredRecord, 'offset'>): number {
    const log = this.partitions[partition];
    if (log === undefined) {
      throw new RuntimeError(
        'TS_RUNTIME_NO_PARTITION',
        `topic ${this.name} has ${this.partitions.length} partitions; partition ${partition} does not exist`,
      );
    }
    const offset = log.length;
    log.push({
      offset,
      key: record.key,
      value: record.value,
      timestamp: record.timestamp,
      headers: record.headers,
    });
    return offset;
  }

  /** Records of a partition from `fromOffset` (inclusive) to the end. */
  read(partition: number, fromOffset = 0): readonly StoredRecord[] {
    return (this.partitions[partition] ?? []).slice(fromOffset);
  }

  endOffset(partition: number): number {
    return this.partitions[partition]?.length ?? 0;
  }
}

export class InMemoryCluster {
  private readonly topics = new Map<string, InMemoryTopic>();

  topic(name: string): InMemoryTopic | undefined {
    return this.topics.get(name);
  }

  /** Creates the topic, or checks that an existing one has the partition count asked for. */
  ensureTopic(name: string, partitions: number): InMemoryTopic {
    const existing = this.topics.get(name);
    if (existing !== undefined) {
      if (existing.partitionCount !== partitions) {
        throw new RuntimeError(
          'TS_RUNTIME_PARTITION_MISMATCH',
          `topic ${name} exists with ${existing.partitionCount} partitions but ${partitions} are needed`,
        );
      }
      return existing;
    }
    const topic = new InMemoryTopic(name, partitions);
    this.topics.set(name, topic);
    return topic;
  }

  topicNames(): string[] {
    return [...this.topics.keys()];
  }
}
