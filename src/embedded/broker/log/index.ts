export { PartitionLog } from './partition-log.js';
export type {
  AbortedTxn,
  AppendListener,
  AppendResult,
  ReadResult,
  StoredBatch,
} from './partition-log.js';
export { ProducerStateTable } from './producer-state.js';
export type { ProducerEntry, SequenceVerdict } from './producer-state.js';
