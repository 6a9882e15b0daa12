// What the per-version API files need from the rest of the broker, gathered in one place so they
// import a sibling instead of reaching two folders up.
export { BrokerState, CLUSTER_ID, NODE_ID } from '../broker-state.js';
export { DEFAULT_TOPIC_CONFIGS, topicNameProblem } from '../cluster/index.js';
export { CorruptRecordBatchError } from '../errors.js';
export { splitOffsetKey } from '../group/index.js';
export type { JoinResult, SyncResult } from '../group/index.js';
export type { AbortedTxn } from '../log/index.js';
export { ApiKey, ErrorCode, splitRecordSet } from '../protocol/index.js';
export type { Writer } from '../protocol/index.js';
