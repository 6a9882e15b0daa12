/**
 * All the state of one task: opens its stores (each a full stack, see store-builder.ts), flushes
 * them at commit, restores them from their changelogs and keeps the checkpoint file.
 *
 * Layout: `<stateDir>/<taskId>/<store>` (one LevelDB per persistent store) and
 * `<stateDir>/<taskId>/.checkpoint`.
 *
 * Restore protocol for the runtime:
 *   1. `open()`; for each name in `changelogStores()` read its changelog from
 *      `checkpointOffsets()[name] + 1` (or from the beginning when absent) and hand the records to
 *      `restoreBatch()`, in offset order.
 *   2. Process; at each commit `flush()` (the changelog records go to the context's sink inside the
 *      transaction), then, once the transaction is committed, `checkpoint(offsets)` with the last
 *      changelog offset written per store (under exactly-once, write it on clean close only and
 *      call `removeCheckpoint()` after restore, so that a crash forces a full restore).
 *   3. `close()` (or `wipe()` when the local state is lost or corrupt).
 *
 * A persistent, change-logged store that has no checkpoint entry at open is emptied: its local
 * contents cannot be trusted to match any changelog position, and it restores from the beginning.
 * In-memory stores are never checkpointed (they are empty after every open); stores with
 * `changelog: false` are neither checkpointed nor restored.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CHECKPOINT_FILE,
  readCheckpoint,
  removeCheckpoint,
  writeCheckpoint,
} from './checkpoint-file.js';
import { InvalidStateArgumentError, UnknownStoreError } from './errors.js';
import { buildStoreStack } from './store-builder.js';
import type { PhysicalStore, StoreStack } from './store-builder.js';
import type {
  KeyValueStore,
  RestoreRecord,
  StoreContext,
  StoreMetrics,
  StoreSpec,
  WriteOp,
} from './types.js';

const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export interface TaskStateOptions {
  taskId: string;
  /** The instance's state directory; the task's lives in `<stateDir>/<taskId>`. */
  stateDir: string;
  // Specs of any value type; each store is typed again where it is looked up.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  stores: readonly StoreSpec<any>[];
  context: StoreContext;
}

export class TaskState {
  readonly taskId: string;
  /** `<stateDir>/<taskId>` */
  readonly directory: string;
  private readonly checkpointPath: string;
  private readonly stacks = new Map<string, StoreStack<unknown>>();
  private readonly physical = new Map<string, PhysicalStore>();
  /** Physical store -> the ttl stack it indexes (for resetting the queue after a restore). */
  private readonly indexOwners = new Map<string, StoreStack<unknown>>();
  private readonly offsets = new Map<string, number>();
  private readonly context: StoreContext;
  private closed = false;

  private constructor(options: TaskStateOptions) {
    this.taskId = options.taskId;
    this.context = options.context;
    this.directory = join(options.stateDir, options.taskId);
    this.checkpointPath = join(this.directory, CHECKPOINT_FILE);
    for (const spec of options.stores) {
      if (this.stacks.has(spec.name)) {
        throw new InvalidStateArgumentError(
          `task ${this.taskId}`,
          `store ${JSON.stringify(spec.name)} is declared twice`,
        );
      }
      const stack = buildStoreStack(spec, options.context, this.directory);
      this.stacks.set(spec.name, stack);
      for (const store of stack.physical) {
        if (this.physical.has(store.name)) {
          throw new InvalidStateArgumentError(
            `task ${this.taskId}`,
            `physical store name ${JSON.stringify(store.name)} is used twice`,
          );
        }
        this.physical.set(store.name, store);
        if (store !== stack.physical[0]) this.indexOwners.set(store.name, stack);
      }
    }
  }

  /** Opens (creating if needed) every store of the task and reads the checkpoint. */
  static async open(options: TaskStateOptions): Promise<TaskState> {
    if (typeof options.taskId !== 'string' || !PATH_SEGMENT.test(options.taskId)) {
      throw new InvalidStateArgumentError(
        'task state',
        `taskId ${JSON.stringify(options.taskId)} must match ${PATH_SEGMENT.source}`,
      );
    }
    const state = new TaskState(options);
    await mkdir(state.directory, { recursive: true });
    const checkpoint = await readCheckpoint(state.checkpointPath);
    const opened: PhysicalStore[] = [];
    try {
      for (const store of state.physical.values()) {
        await store.cache.open();
        opened.push(store);
        if (!store.changelogged || !store.persistent) continue;
        const offset = checkpoint.get(store.name);
        if (offset === undefined) await store.backend.clear();
        else state.offsets.set(store.name, offset);
      }
    } catch (error) {
      await Promise.allSettled(opened.map((store) => store.cache.discard()));
      throw error;
    }
    return state;
  }

  /** Deletes a task's local state directory without opening it (after TS_STATE_CORRUPT, say). */
  static async wipeDirectory(stateDir: string, taskId: string): Promise<void> {
    if (!PATH_SEGMENT.test(taskId)) {
      throw new InvalidStateArgumentError(
        'task state wipe',
        `taskId ${JSON.stringify(taskId)} must match ${PATH_SEGMENT.source}`,
      );
    }
    await rm(join(stateDir, taskId), { recursive: true, force: true });
  }

  store<V>(name: string): KeyValueStore<V> {
    return this.stack(name).store as KeyValueStore<V>;
  }

  metrics(name: string): StoreMetrics {
    return this.stack(name).metrics;
  }

  /** The stores as declared. */
  storeNames(): string[] {
    return [...this.stacks.keys()];
  }

  /** Every physical store with a changelog (TTL indexes included): what a restore must read. */
  changelogStores(): string[] {
    return [...this.physical.values()]
      .filter((store) => store.changelogged)
      .map((store) => store.name);
  }

  /** Some store holds more dirty keys than its cache bound: await `flush()` before going on. */
  get needsFlush(): boolean {
    for (const store of this.physical.values()) if (store.cache.needsFlush) return true;
    return false;
  }

  /** One backend batch per store with dirty keys; their changelog records go to the sink. */
  async flush(): Promise<void> {
    for (const store of this.physical.values()) await store.cache.flush();
  }

  /**
   * Deletes what is due in every TTL store, each on its own clock (stream or wall time from the
   * context, unless `now` overrides both). Resolves to the number of keys deleted.
   */
  async expire(now?: { stream?: number; wall?: number }): Promise<number> {
    let expired = 0;
    for (const stack of this.stacks.values()) {
      if (stack.ttl === undefined || stack.spec.ttl === undefined) continue;
      const clock = stack.spec.ttl.clock;
      const time =
        clock === 'wall'
          ? (now?.wall ?? this.context.wallClockTime())
          : (now?.stream ?? this.context.streamTime());
      expired += await stack.ttl.expire(time);
    }
    return expired;
  }

  /**
   * Applies changelog records straight to a store's backend (no cache, no changelog) and records
   * the last offset. Records must come in offset order.
   */
  async restoreBatch(store: string, records: readonly RestoreRecord[]): Promise<void> {
    const physical = this.physical.get(store);
    if (physical === undefined)
      throw new UnknownStoreError(this.taskId, store, [...this.physical.keys()]);
    if (!physical.changelogged) {
      throw new InvalidStateArgumentError(
        `task ${this.taskId} restore`,
        `store ${store} has no changelog to restore from`,
      );
    }
    if (records.length === 0) return;
    const ops = new Array<WriteOp>(records.length);
    let previous = this.offsets.get(store) ?? -1;
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      if (!Number.isSafeInteger(record.offset) || record.offset <= previous) {
        throw new InvalidStateArgumentError(
          `task ${this.taskId} restore of ${store}`,
          `record offset ${record.offset} is not after ${previous}; hand records over in offset order, each once`,
          { offset: record.offset },
        );
      }
      previous = record.offset;
      ops[i] = { key: record.key, value: record.value };
    }
    await physical.backend.write(ops);
    physical.cache.evictClean(ops.map((op) => op.key));
    this.offsets.set(store, previous);
    this.indexOwners.get(store)?.ttlIndex?.reset();
  }

  /** Store -> last changelog offset restored or committed (absent: restore from the beginning). */
  checkpointOffsets(): Record<string, number> {
    return Object.fromEntries(this.offsets);
  }

  /**
   * Records committed changelog offsets (store -> offset of the last record written) and writes
   * the checkpoint file with those of persistent stores.
   */
  async checkpoint(offsets: Readonly<Record<string, number>> = {}): Promise<void> {
    for (const [store, offset] of Object.entries(offsets)) {
      const physical = this.physical.get(store);
      if (physical === undefined || !physical.changelogged) {
        throw new UnknownStoreError(this.taskId, store, this.changelogStores());
      }
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new InvalidStateArgumentError(
          `task ${this.taskId} checkpoint`,
          `offset for ${store} must be a non-negative integer, got ${offset}`,
        );
      }
      this.offsets.set(store, offset);
    }
    const durable = new Map<string, number>();
    for (const [store, offset] of this.offsets) {
      if ((this.physical.get(store) as PhysicalStore).persistent) durable.set(store, offset);
    }
    await writeCheckpoint(this.checkpointPath, durable);
  }

  removeCheckpoint(): Promise<void> {
    return removeCheckpoint(this.checkpointPath);
  }

  /**
   * Flushes, closes every store and (by default) writes the checkpoint. Idempotent. The stores are
   * closed even when the flush fails; the checkpoint is then left as it was.
   *
   * `flush: false` drops unflushed writes instead (a task that lost its partition or failed mid
   * transaction must not emit more changelog records); no checkpoint is written then.
   */
  async close(options: { checkpoint?: boolean; flush?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stores = [...this.physical.values()];
    if (options.flush === false) {
      const dropped = await Promise.allSettled(stores.map((store) => store.cache.discard()));
      for (const result of dropped) if (result.status === 'rejected') throw result.reason;
      return;
    }
    let failure: unknown;
    try {
      await this.flush();
      if (options.checkpoint !== false) await this.checkpoint();
    } catch (error) {
      failure = error;
    }
    const results = await Promise.allSettled(stores.map((store) => store.cache.close()));
    if (failure !== undefined) throw failure;
    for (const result of results) if (result.status === 'rejected') throw result.reason;
  }

  /** Closes without flushing and deletes the task's directory: the next open restores everything. */
  async wipe(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.physical.values()].map((store) => store.cache.discard()));
    await rm(this.directory, { recursive: true, force: true });
    this.offsets.clear();
  }

  private stack(name: string): StoreStack<unknown> {
    const stack = this.stacks.get(name);
    if (stack === undefined) throw new UnknownStoreError(this.taskId, name, this.storeNames());
    return stack;
  }
}
