/**
 * Records as they cross the edge of a task: serialized bytes with their coordinates.
 */
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

/** Where a task sends what it produces; the driver keeps it in memory, the Kafka runtime in a transaction. */
export interface RecordCollector {
  /** Returns the record's offset when the destination knows it at once (the in-process driver). */
  send(record: ProducedRecord): number | undefined;
  deadLetter(letter: DeadLetter): void;
}
