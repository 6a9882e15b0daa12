export { crc32c } from './crc32c.js';
export { ApiKey, ErrorCode } from './error-codes.js';
export type { ErrorCodeValue } from './error-codes.js';
export { Reader } from './reader.js';
export { Writer } from './writer.js';
export {
  BATCH_HEADER_BYTES,
  Compression,
  decodeRecords,
  encodeControlBatch,
  encodeRecordBatch,
  readBatchHeader,
  setBaseOffset,
  splitRecordSet,
} from './record-batch.js';
export type {
  BatchHeader,
  DecodedRecord,
  EncodeBatchOptions,
  NewRecord,
  ParsedBatch,
  RecordHeader,
} from './record-batch.js';
