export { ConsumerGroup, offsetKey, splitOffsetKey } from './consumer-group.js';
export type {
  CommittedOffset,
  GroupMember,
  GroupState,
  JoinResult,
  SyncResult,
} from './consumer-group.js';
export { GroupCoordinator } from './group-coordinator.js';
export type {
  GroupCoordinatorOptions,
  JoinRequest,
  OffsetCommitEntry,
  OffsetPersistence,
} from './group-types.js';
