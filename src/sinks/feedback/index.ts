export { CallbackIngest } from './callback-ingest.js';
export type {
  CallbackIngestOptions,
  CallbackReceipt,
  IngestResult,
  ReceiptStatus,
  UnresolvedReceipt,
} from './callback-ingest.js';
export { parseCommandId } from './command-id.js';
export type { CommandIdentity } from './command-id.js';
export { DEFAULT_COMMAND_RECORD_TTL_MS, RedisCommandRecords } from './command-records.js';
export type {
  CommandRecord,
  CommandRecordLookup,
  RedisCommandRecordsOptions,
  RememberedCommand,
} from './command-records.js';
export { CommandLookupError, FeedbackWriteError, InvalidCommandRecordError } from './errors.js';
