export { startEmbeddedKafka } from './embedded-kafka.js';
export type { EmbeddedKafka, PartitionOffsets, TopicDescription } from './embedded-kafka.js';
export type { BrokerLogger, BrokerLogLevel, EmbeddedKafkaOptions } from './options.js';
export {
  BrokerError,
  BrokerListenError,
  BrokerStorageError,
  CorruptRecordBatchError,
  InvalidBrokerOptionError,
  MalformedRequestError,
  brokerErrorCodes,
} from './errors.js';
export type { BrokerErrorCode } from './errors.js';
export { crc32c } from './protocol/crc32c.js';
export { decodeRecords, encodeRecordBatch } from './protocol/record-batch.js';
export type { DecodedRecord, NewRecord, RecordHeader } from './protocol/record-batch.js';
