export type {
  Bytes,
  ChangelogRecord,
  ChangelogSink,
  Entry,
  KeyRange,
  KeyValueStore,
  Serde,
  StoreBackend,
  StoreContext,
  StoreMetrics,
  StoreSpec,
  StoreStatus,
} from './types.js';
