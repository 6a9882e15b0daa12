/**
 * Opens a task with its local state: opens the stores, restores each changelogged store from its
 * checkpoint to the end of its changelog, then builds the StreamTask. Both drivers (in-process and
 * Kafka) use it, so a task starts the same way everywhere.
 */
import type { KeyValueStore, StoreSpec } from '../state/index.js';
import type { Topology } from '../topology/index.js';
import type { RecordCollector } from './records.js';
import { StreamTask, formatTaskId } from './stream-task.js';
import type { TaskId } from './stream-task.js';
import type { RestoreRecord, TaskStateHandle, TaskStateOpener } from './task-state-port.js';

/** Reads a changelog partition from an offset to its current end, in batches. */
export interface ChangelogReader {
  read(
    topic: string,
    partition: number,
    fromOffset: number,
  ): AsyncIterable<readonly RestoreRecord[]>;
}

export interface RestoreProgress {
  taskId: string;
  store: string;
  restored: number;
  fromOffset: number;
}

export interface TaskHostOptions {
  id: TaskId;
  applicationId: string;
  topology: Topology;
  stateDir: string;
  openState: TaskStateOpener;
  changelogReader: ChangelogReader;
  collector: RecordCollector;
  timerStoreSpec: StoreSpec;
  resolveTopic(topic: string, internal: boolean): string;
  partitionsFor(topic: string): number;
  globalStore(name: string): KeyValueStore<unknown>;
  wallClock(): number;
  onRestoreProgress?(progress: RestoreProgress): void;
  /** Leave `initialize()` (processor init) to the caller, e.g. to run it where global updates cannot interleave. */
  deferInit?: boolean;
}

export function changelogTopic(applicationId: string, store: string): string {
  return `${applicationId}-${store}-changelog`;
}

export class TaskHost {
  /** The last changelog offset written per store, as far as this host knows (for the checkpoint). */
  readonly changelogOffsets: Record<string, number> = {};
  readonly restored: Record<string, number> = {};

  private constructor(
    readonly task: StreamTask,
    readonly state: TaskStateHandle,
    private readonly changelogged: readonly string[],
  ) {}

  static async open(options: TaskHostOptions): Promise<TaskHost> {
    const taskId = formatTaskId(options.id);
    const sub = options.topology.subTopologies[options.id.subTopology];
    const specs: StoreSpec[] = [
      options.timerStoreSpec,
      ...sub.stores.map((name) => options.topology.store(name)),
    ];
    const topicOf = new Map<string, string>();
    // The stores are opened before the task exists, but their callbacks run only once it does.
    const late: { task?: StreamTask; host?: TaskHost } = {};
    const state = await options.openState({
      taskId,
      stateDir: options.stateDir,
      specs,
      streamTime: () => late.task?.streamTime() ?? -Infinity,
      wallClockTime: options.wallClock,
      changelog: {
        append(record) {
          let topic = topicOf.get(record.store);
          if (topic === undefined) {
            topic = changelogTopic(options.applicationId, record.store);
            topicOf.set(record.store, topic);
          }
          const offset = options.collector.send({
            topic,
            partition: options.id.partition,
            key: Buffer.from(record.key, 'utf8'),
            value: record.value,
            timestamp: Number.isFinite(record.timestamp) ? record.timestamp : 0,
          });
          if (offset !== undefined && late.host !== undefined)
            late.host.changelogOffsets[record.store] = offset;
        },
      },
    });
    const changelogged = state.changelogStores();
    const restored: Record<string, number> = {};
    const lastOffsets: Record<string, number> = {};
    const checkpoint = state.checkpointOffsets();
    for (const store of changelogged) {
      const fromOffset = checkpoint[store] === undefined ? 0 : checkpoint[store] + 1;
      let count = 0;
      let last = checkpoint[store];
      for await (const batch of options.changelogReader.read(
        changelogTopic(options.applicationId, store),
        options.id.partition,
        fromOffset,
      )) {
        await state.restoreBatch(store, batch);
        count += batch.length;
        if (batch.length > 0) last = batch[batch.length - 1].offset;
        options.onRestoreProgress?.({ taskId, store, restored: count, fromOffset });
      }
      restored[store] = count;
      if (last !== undefined) lastOffsets[store] = last;
    }
    const task = new StreamTask({
      id: options.id,
      applicationId: options.applicationId,
      topology: options.topology,
      stores: state,
      globalStore: options.globalStore,
      timerQueues: { stream: state.timeQueue('stream'), wall: state.timeQueue('wall') },
      collector: options.collector,
      resolveTopic: options.resolveTopic,
      partitionsFor: options.partitionsFor,
      wallClock: options.wallClock,
    });
    late.task = task;
    const host = new TaskHost(task, state, changelogged);
    late.host = host;
    Object.assign(host.changelogOffsets, lastOffsets);
    Object.assign(host.restored, restored);
    if (options.deferInit !== true) await host.initialize();
    return host;
  }

  /** Runs every processor's init (reads of stores and global tables happen here). */
  async initialize(): Promise<void> {
    await this.task.init();
  }

  /** Flushes every store and records the changelog offsets in the checkpoint file. */
  async commit(): Promise<void> {
    await this.state.flush();
    await this.state.writeCheckpoint(this.checkpointOffsets());
  }

  async close(options: { commit: boolean } = { commit: true }): Promise<void> {
    if (options.commit) await this.commit();
    this.task.close();
    await this.state.close();
  }

  /** The changelog offsets this host knows per store, as a checkpoint records them. */
  checkpointOffsets(): Record<string, number> {
    const offsets: Record<string, number> = {};
    for (const store of this.changelogged) {
      const offset = this.changelogOffsets[store];
      if (offset !== undefined) offsets[store] = offset;
    }
    return offsets;
  }
}
