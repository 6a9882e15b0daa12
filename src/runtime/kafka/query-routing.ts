/**
 * Where a partition's task state can be read, from what one member of the group knows: the tasks
 * it runs or restores, and the owner map every member got with its last assignment (the
 * co-partitioned assigner's, as Kafka Streams' application.server metadata).
 */
import type { KeyValueStore } from '../../state/index.js';
import type { StoreQueryResult } from '../store-queries.js';
import { readable } from '../store-queries.js';
import type { TaskHost } from '../task-host.js';

export interface OwnershipView {
  /** The runtime processes (it has started and not begun to stop). */
  running: boolean;
  /** A rebalance runs, or none has finished since start: the owner map may be stale. */
  rebalancing: boolean;
  /** This instance's API address. */
  self: string | undefined;
  owners: Readonly<Record<number, string>>;
  /** The task, once restored and running here. */
  runningTask(taskId: string): TaskHost | undefined;
  /** The task is assigned here and still restoring. */
  restoring(taskId: string): boolean;
}

export function routeQuery<V>(
  view: OwnershipView,
  storeName: string,
  taskId: string,
  partition: number,
): StoreQueryResult<V> {
  const host = view.runningTask(taskId);
  // A task still here answers even during a rebalance: its state is as fresh as any.
  if (host !== undefined) {
    return {
      kind: 'local',
      partition,
      store: readable(host.state.store(storeName) as KeyValueStore<V>),
      streamTime: host.task.streamTime(),
    };
  }
  if (view.restoring(taskId)) return { kind: 'unavailable', partition, reason: 'restoring' };
  if (!view.running) return { kind: 'unavailable', partition, reason: 'no-owner' };
  if (view.rebalancing) return { kind: 'unavailable', partition, reason: 'moving' };
  const owner = view.owners[partition];
  if (owner === undefined) return { kind: 'unavailable', partition, reason: 'no-owner' };
  // The map names this instance but the task is not open: it was just revoked or is being opened.
  if (owner === view.self) return { kind: 'unavailable', partition, reason: 'moving' };
  return { kind: 'remote', partition, address: owner };
}
