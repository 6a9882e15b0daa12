export {
  COMPATIBILITY_LEVELS,
  REGISTRY_MEDIA_TYPE,
  SchemaRegistryError,
  buildSchemaRegistryApp,
  startEmbeddedSchemaRegistry,
} from './schema-registry/index.js';
export type {
  CompatibilityLevel,
  EmbeddedSchemaRegistry,
  EmbeddedSchemaRegistryOptions,
  SchemaRegistryErrorCode,
} from './schema-registry/index.js';
export {
  BrokerError,
  BrokerListenError,
  BrokerStorageError,
  CorruptRecordBatchError,
  InvalidBrokerOptionError,
  MalformedRequestError,
  brokerErrorCodes,
  crc32c,
  decodeRecords,
  encodeRecordBatch,
  startEmbeddedKafka,
} from './broker/index.js';
export type {
  BrokerErrorCode,
  BrokerLogger,
  BrokerLogLevel,
  DecodedRecord,
  EmbeddedKafka,
  EmbeddedKafkaOptions,
  NewRecord,
  PartitionOffsets,
  RecordHeader,
  TopicDescription,
} from './broker/index.js';
export { FAKE_CHANNELS, startFakeProviders } from './providers/index.js';
export type {
  AcceptedMessage,
  FakeChannel,
  FakeCredentials,
  FakeProviders,
  FakeProvidersOptions,
  ProviderAnswer,
  ReceivedRequest,
} from './providers/index.js';
