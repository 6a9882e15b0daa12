export type { Serde } from './serde.js';
export { jsonSerde } from './json-serde.js';
export { stringSerde } from './string-serde.js';
export { AvroSerdes } from './avro-serdes.js';
export { EVENT_RECORDS, eventAvroSerde } from './event-avro-serde.js';
export {
  segmentTransitionAvroSerde,
  touchCommandAvroSerde,
  touchCommandId,
} from './output-avro-serdes.js';
export type { AvroSerdesOptions } from './avro-serdes.js';
export { findSchemasDir, loadAvroSchema, loadAvroSchemas } from './avro-schema-loader.js';
export type { LoadedAvroSchema } from './avro-schema-loader.js';
export {
  DecodeFailedError,
  EncodeFailedError,
  SchemaFetchError,
  SchemaLoadError,
  SchemaRegistrationError,
  UnknownSchemaIdError,
  UnknownSubjectError,
} from './errors.js';
