export { createKafkaClient } from './kafka-client.js';
export type { KafkaClientOptions, KafkaLogLevel, KafkaLogSink } from './kafka-client.js';
export { endOffsets, ensureTopics, partitionCounts } from './topic-admin.js';
export type { TopicRequirement } from './topic-admin.js';
export { IoError } from './errors.js';
export {
  COPARTITIONED_ASSIGNER,
  copartitionedAssigner,
  decodeAssignmentInfo,
} from './copartitioned-assigner.js';
export type { AssignmentInfo, MemberInfo } from './copartitioned-assigner.js';
export { PartitionReader, toHeaders } from './partition-reader.js';
export type { PartitionReaderOptions, ReadRecord } from './partition-reader.js';
