export type {
  Bytes,
  ChangelogRecord,
  ChangelogSink,
  Entry,
  KeyChunk,
  KeyRange,
  KeyValueStore,
  RestoreRecord,
  Serde,
  StoreBackend,
  StoreContext,
  StoreCursor,
  StoreMetrics,
  StoreSpec,
  StoreStatus,
  WriteOp,
} from './types.js';
export {
  CheckpointInvalidError,
  InvalidKeyError,
  InvalidStateArgumentError,
  StoreCorruptError,
  StoreLockedError,
  StoreNotOpenError,
  StoreOpenFailedError,
  StoreReadFailedError,
  StoreReadOnlyError,
  StoreSerdeError,
  StoreWriteFailedError,
  TimeQueueNotLoadedError,
  UnknownStoreError,
} from './errors.js';
export { compareKeys, prefixRange, prefixSuccessor } from './key-order.js';
export { BPlusTree } from './b-plus-tree.js';
export { BytesStore } from './bytes-store.js';
export { MemoryStore } from './memory-store.js';
export { LevelDbStore } from './leveldb-store.js';
export { ChangeLoggingStore } from './change-logging-store.js';
export { CachingStore } from './caching-store.js';
export type { CachingStoreOptions } from './caching-store.js';
export { MeteredStore, createStoreMetrics } from './metered-store.js';
export { TtlStore } from './ttl-store.js';
export { TimeQueue } from './time-queue.js';
export type { QueueEntry, TimeQueueOptions } from './time-queue.js';
export {
  buildStoreStack,
  identitySerde,
  DEFAULT_CACHE_MAX_ENTRIES,
  TTL_INDEX_SUFFIX,
} from './store-builder.js';
export type { PhysicalStore, StoreStack } from './store-builder.js';
export { CHECKPOINT_FILE, readCheckpoint } from './checkpoint-file.js';
export { TaskState } from './task-state.js';
export { readOnlyView } from './read-only-store.js';
export { keysOfRange } from './range-keys.js';
export type { TaskStateOptions } from './task-state.js';
