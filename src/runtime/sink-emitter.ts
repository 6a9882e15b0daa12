/**
 * The exit of records from a task: serializes them and hands them to the collector on the
 * partition Kafka's default partitioner would choose.
 */
import type { RecordReceiver, StreamRecord } from '../operators/index.js';
import type { Serde } from '../state/index.js';
import type { Partitioner, SinkNode } from '../topology/index.js';
import { partitionForKey } from './murmur2.js';
import type { RecordCollector } from './records.js';

export class SinkEmitter implements RecordReceiver {
  readonly name: string;
  private readonly keySerde: Serde<unknown>;
  private readonly valueSerde: Serde<unknown>;
  private readonly partitioner: Partitioner | undefined;

  constructor(
    node: SinkNode,
    /** The topic as it exists on the cluster (internal topics carry the application id). */
    readonly topic: string,
    private readonly partitionCount: number,
    /** Where records without a key go: the task's own partition, which is deterministic. */
    private readonly defaultPartition: number,
    private readonly collector: RecordCollector,
  ) {
    this.name = node.name;
    this.keySerde = node.keySerde;
    this.valueSerde = node.valueSerde;
    this.partitioner = node.partitioner;
  }

  process(record: StreamRecord<unknown, unknown>): void {
    const key =
      record.key === null || record.key === undefined ? null : this.keySerde.serialize(record.key);
    const value =
      record.value === null || record.value === undefined
        ? null
        : this.valueSerde.serialize(record.value);
    let partition: number;
    if (this.partitioner !== undefined) partition = this.partitioner(key, this.partitionCount);
    else if (key === null) partition = this.defaultPartition % this.partitionCount;
    else partition = partitionForKey(key, this.partitionCount);
    this.collector.send({
      topic: this.topic,
      partition,
      key,
      value,
      timestamp: record.timestamp,
      headers: record.headers,
    });
  }
}
