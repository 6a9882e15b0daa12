/**
 * The runtime's view of the state layer: opens a task's stores (TaskState) with the engine's
 * timer store, and opens the stores behind global tables.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskState, TimeQueue, identitySerde } from '../state/index.js';
import type { Bytes, KeyValueStore, Serde } from '../state/index.js';
import type { TaskTimeQueue } from './stream-task.js';
import { TIMER_STORE } from './task-state-port.js';
import type { OpenTaskStateOptions, TaskStateHandle } from './task-state-port.js';

export const bytesSerde: Serde<Bytes> = identitySerde;

/** Key prefixes of the two timer queues sharing the `__timers` store. */
const QUEUE_PREFIX = { stream: 's', wall: 'w' } as const;

export async function openTaskState(options: OpenTaskStateOptions): Promise<TaskStateHandle> {
  const state = await TaskState.open({
    taskId: options.taskId,
    stateDir: options.stateDir,
    stores: options.specs,
    context: {
      taskId: options.taskId,
      streamTime: options.streamTime,
      wallClockTime: options.wallClockTime,
      changelog: options.changelog,
    },
  });
  return new TaskStateAdapter(state);
}

class TaskStateAdapter implements TaskStateHandle {
  private readonly queues = new Map<'stream' | 'wall', TimeQueue>();

  constructor(private readonly state: TaskState) {}

  store(name: string): KeyValueStore<unknown> {
    return this.state.store(name);
  }

  changelogStores(): string[] {
    return this.state.changelogStores();
  }

  get needsFlush(): boolean {
    return this.state.needsFlush;
  }

  flush(): Promise<void> {
    return this.state.flush();
  }

  async expire(streamTime: number, wallClockTime: number): Promise<void> {
    await this.state.expire({ stream: streamTime, wall: wallClockTime });
  }

  checkpointOffsets(): Readonly<Record<string, number>> {
    return this.state.checkpointOffsets();
  }

  writeCheckpoint(offsets: Readonly<Record<string, number>>): Promise<void> {
    return this.state.checkpoint(offsets);
  }

  removeCheckpoint(): Promise<void> {
    return this.state.removeCheckpoint();
  }

  async restoreBatch(
    store: string,
    records: Parameters<TaskStateHandle['restoreBatch']>[1],
  ): Promise<void> {
    await this.state.restoreBatch(store, records);
    if (store === TIMER_STORE) for (const queue of this.queues.values()) queue.reset();
  }

  /** Created on first use, which is after restore, so the queue's head is read from restored data. */
  timeQueue(clock: 'stream' | 'wall'): TaskTimeQueue {
    let queue = this.queues.get(clock);
    if (queue === undefined) {
      queue = new TimeQueue(this.state.store<Bytes>(TIMER_STORE), QUEUE_PREFIX[clock], {
        name: `${clock} timers`,
      });
      this.queues.set(clock, queue);
    }
    return queue;
  }

  close(): Promise<void> {
    return this.state.close({ checkpoint: false });
  }

  wipe(): Promise<void> {
    return this.state.wipe();
  }
}

/** A store that can be closed: what global tables keep their rows in. */
export type ClosableStore = KeyValueStore<unknown> & { close(): Promise<void> };

/**
 * Global tables live in memory: their topic is the source of truth and is read whole at start,
 * so a local copy on disk would buy nothing.
 */
export async function openGlobalStore(
  name: string,
  valueSerde: Serde<unknown>,
): Promise<ClosableStore> {
  const directory = await mkdtemp(join(tmpdir(), 'touchstream-global-'));
  const state = await TaskState.open({
    taskId: 'global',
    stateDir: directory,
    stores: [{ name, backend: 'memory', valueSerde, changelog: false }],
    context: {
      taskId: 'global',
      streamTime: () => 0,
      wallClockTime: () => Date.now(),
      changelog: { append: () => undefined },
    },
  });
  const store = state.store<unknown>(name);
  return Object.assign(Object.create(store) as KeyValueStore<unknown>, {
    close: async () => {
      await state.close({ checkpoint: false });
      await rm(directory, { recursive: true, force: true });
    },
  });
}
