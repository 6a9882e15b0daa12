import { TopicRegistry } from './cluster/topic-registry.js';
import type { Topic } from './cluster/topic-registry.js';
import { GroupCoordinator } from './group/group-coordinator.js';
import type { PartitionLog } from './log/partition-log.js';
import type { ResolvedBrokerOptions } from './options.js';
import { ErrorCode } from './protocol/error-codes.js';
import { TransactionCoordinator } from './txn/transaction-coordinator.js';

export const NODE_ID = 0;
export const CLUSTER_ID = 'touchstream-embedded';

/** A Fetch waiting for data: `ready()` is asked again after every append or marker. */
export interface DataWaiter {
  ready(): boolean;
  wake(): void;
}

/**
 * Everything one broker node holds: topics and their logs, the group and transaction
 * coordinators, and the Fetch requests parked until data arrives. API handlers reach it through
 * the request context.
 */
export class BrokerState {
  readonly topics = new TopicRegistry();
  readonly groups: GroupCoordinator;
  readonly txns: TransactionCoordinator;
  readonly waiters = new Set<DataWaiter>();
  host: string;
  port = 0;
  closed = false;

  constructor(readonly options: ResolvedBrokerOptions) {
    this.host = options.host;
    const log = (msg: string, fields: Record<string, unknown>) =>
      options.logger('debug', msg, fields);
    this.groups = new GroupCoordinator({
      initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs,
      minSessionTimeoutMs: options.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: options.groupMaxSessionTimeoutMs,
      log,
    });
    this.txns = new TransactionCoordinator({
      transactionTimeoutMaxMs: options.transactionTimeoutMaxMs,
      topics: this.topics,
      groups: this.groups,
      now: () => Date.now(),
      onMarkers: () => this.notifyData(),
      log,
    });
  }

  now(): number {
    return Date.now();
  }

  /** Looks a topic up, creating it when auto-creation is on and the caller allows it. */
  topicFor(name: string, allowAutoCreate: boolean): { topic?: Topic; errorCode: number } {
    const topic = this.topics.get(name);
    if (topic !== undefined) return { topic, errorCode: ErrorCode.NONE };
    if (!allowAutoCreate || !this.options.autoCreateTopics)
      return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    const outcome = this.topics.create(name, this.options.defaultPartitions, 1, new Map());
    if (outcome.errorCode !== ErrorCode.NONE) return { errorCode: outcome.errorCode };
    this.options.logger('info', 'topic auto-created', {
      topic: name,
      partitions: this.options.defaultPartitions,
    });
    return { topic: this.topics.get(name), errorCode: ErrorCode.NONE };
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.partition(topic, partition);
  }

  /** Wakes parked Fetches whose wait is now satisfied. */
  notifyData(): void {
    if (this.waiters.size === 0) return;
    for (const waiter of this.waiters) {
      let ready = true;
      try {
        ready = this.closed || waiter.ready();
      } catch {
        // Woken anyway: its answer fails the same way and closes only its own connection.
      }
      if (ready) {
        this.waiters.delete(waiter);
        waiter.wake();
      }
    }
  }

  close(): void {
    this.closed = true;
    this.notifyData();
    this.groups.close();
    this.txns.close();
  }
}
