/**
 * What the runtime needs of a task's local state: its stores, flushing, checkpoints and restore.
 * The state layer's task state manager provides it; the runtime opens one per task.
 */
import type { Bytes, ChangelogSink, KeyValueStore, StoreSpec } from '../state/index.js';
import type { TaskTimeQueue } from './stream-task.js';

export interface RestoreRecord {
  key: string;
  value: Bytes | null;
  offset: number;
}

export interface TaskStateHandle {
  store(name: string): KeyValueStore<unknown>;
  /** Every physical store with a changelog (TTL indexes included): what a restore reads. */
  changelogStores(): string[];
  /** Some store's write cache is over its bound: flush before processing more. */
  readonly needsFlush: boolean;
  /** Writes every store's pending changes (one batch per store); changelog records go to the sink. */
  flush(): Promise<void>;
  /** Deletes keys whose TTL ran out at these times (through the normal write path). */
  expire(streamTime: number, wallClockTime: number): Promise<void>;
  /** The changelog offset each store has applied, from the checkpoint file; absent: from the start. */
  checkpointOffsets(): Readonly<Record<string, number>>;
  writeCheckpoint(offsets: Readonly<Record<string, number>>): Promise<void>;
  /** Deletes the checkpoint file: the next open restores every store from its changelog. */
  removeCheckpoint(): Promise<void>;
  restoreBatch(store: string, records: readonly RestoreRecord[]): Promise<void>;
  /** Time queues kept in the task's `__timers` store, one per clock. */
  timeQueue(name: 'stream' | 'wall'): TaskTimeQueue;
  close(): Promise<void>;
  /** Closes and deletes the task's local state directory. */
  wipe(): Promise<void>;
}

export interface OpenTaskStateOptions {
  taskId: string;
  stateDir: string;
  specs: readonly StoreSpec[];
  changelog: ChangelogSink;
  streamTime(): number;
  wallClockTime(): number;
}

export type TaskStateOpener = (options: OpenTaskStateOptions) => Promise<TaskStateHandle>;

/** The store that holds a task's timers: engine-owned, changelogged like any other. */
export const TIMER_STORE = '__timers';
