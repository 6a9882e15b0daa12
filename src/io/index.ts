export {
  AvroSerdes,
  EVENT_RECORDS,
  eventAvroSerde,
  DecodeFailedError,
  EncodeFailedError,
  SchemaFetchError,
  SchemaLoadError,
  SchemaRegistrationError,
  UnknownSchemaIdError,
  UnknownSubjectError,
  findSchemasDir,
  jsonSerde,
  loadAvroSchema,
  loadAvroSchemas,
  stringSerde,
} from './serdes/index.js';
export type { AvroSerdesOptions, LoadedAvroSchema, Serde } from './serdes/index.js';
export {
  COPARTITIONED_ASSIGNER,
  IoError,
  copartitionedAssigner,
  createKafkaClient,
  decodeAssignmentInfo,
  endOffsets,
  ensureTopics,
  partitionCounts,
  PartitionReader,
  toHeaders,
} from './kafka/index.js';
export type { AssignmentInfo, KafkaClientOptions, KafkaLogLevel, KafkaLogSink, MemberInfo, PartitionReaderOptions, ReadRecord, TopicRequirement } from './kafka/index.js';
