/**
 * The entry of records into a task: decodes key and value with the source's serdes and forwards
 * to the source's children. Decoding failures are reported to the task, which dead-letters them.
 */
import type { RecordReceiver, StreamRecord } from '../operators/index.js';
import type { Serde } from '../state/index.js';
import type { SourceNode } from '../topology/index.js';
import { RuntimeError } from './errors.js';
import type { ConsumedRecord } from './records.js';

export class SourceRunner {
  readonly name: string;
  private readonly keySerde: Serde<unknown>;
  private readonly valueSerde: Serde<unknown>;
  private readonly children: RecordReceiver[] = [];
  private readonly extract: SourceNode['timestampExtractor'];

  constructor(node: SourceNode) {
    this.name = node.name;
    this.keySerde = node.keySerde;
    this.valueSerde = node.valueSerde;
    this.extract = node.timestampExtractor;
  }

  addChild(child: RecordReceiver): void {
    this.children.push(child);
  }

  /** Throws a RuntimeError with code TS_RUNTIME_DECODE_FAILED when the bytes do not decode. */
  decode(record: ConsumedRecord): StreamRecord<unknown, unknown> {
    let key: unknown = null;
    let value: unknown = null;
    try {
      if (record.key !== null) key = this.keySerde.deserialize(record.key);
    } catch (cause) {
      throw decodeError('key', record, cause);
    }
    try {
      if (record.value !== null) value = this.valueSerde.deserialize(record.value);
    } catch (cause) {
      throw decodeError('value', record, cause);
    }
    let timestamp = record.timestamp;
    if (this.extract !== undefined) {
      timestamp = this.extract(key, value, record.timestamp);
      if (!Number.isFinite(timestamp)) {
        throw new RuntimeError(
          'TS_RUNTIME_BAD_TIMESTAMP',
          `the timestamp extractor of ${this.name} gave ${timestamp} for ${record.topic}/${record.partition}@${record.offset}`,
        );
      }
    }
    return { key, value, timestamp, headers: record.headers };
  }

  forward(record: StreamRecord<unknown, unknown>): void {
    const children = this.children;
    for (let i = 0; i < children.length; i += 1) children[i].process(record);
  }
}

function decodeError(part: 'key' | 'value', record: ConsumedRecord, cause: unknown): RuntimeError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new RuntimeError(
    'TS_RUNTIME_DECODE_FAILED',
    `cannot decode the ${part} of ${record.topic}/${record.partition}@${record.offset}: ${reason}`,
    { cause, details: { topic: record.topic, partition: record.partition, offset: record.offset } },
  );
}
