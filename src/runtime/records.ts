/**
 * Records as they cross the edge of a task: serialized bytes with their coordinates.
 */
import { errorCode, errorMessage } from '../errors/index.js';
import type { Headers } from '../operators/index.js';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  timestamp: number;
  headers?: Headers;
}

export interface ProducedRecord {
  topic: string;
  partition: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  timestamp: number;
  headers?: Headers;
}

/** Why a record was set aside instead of processed; written to the dead-letter output. */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  /** Stable error code, e.g. TS_TOPOLOGY_SERDE or TS_RULE_EVENT_INVALID. */
  code: string;
  message: string;
  /** The node that failed: a source (decode) or a processor. */
  node: string;
  taskId: string;
}

/** The dead letter of a record that could not be applied, with the error's stable code and message. */
export function deadLetterOf(
  record: Omit<ConsumedRecord, 'headers'>,
  node: string,
  taskId: string,
  error: unknown,
): DeadLetter {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key,
    value: record.value,
    code: errorCode(error),
    message: errorMessage(error),
    node,
    taskId,
  };
}

/** Where a task sends what it produces; the driver keeps it in memory, the Kafka runtime in a transaction. */
export interface RecordCollector {
  /** Returns the record's offset when the destination knows it at once (the in-process driver). */
  send(record: ProducedRecord): number | undefined;
  deadLetter(letter: DeadLetter): void;
}
