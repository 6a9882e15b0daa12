import type { TopicRegistry } from '../cluster/index.js';
import type { GroupCoordinator, OffsetCommitEntry } from '../group/index.js';
import { ErrorCode } from '../protocol/index.js';

export type TxnState = 'Empty' | 'Ongoing' | 'CompleteCommit' | 'CompleteAbort';

interface TxnPartition {
  topic: string;
  partition: number;
}

export interface TransactionalEntry {
  transactionalId: string;
  producerId: number;
  epoch: number;
  timeoutMs: number;
  state: TxnState;
  partitions: Map<string, TxnPartition>;
  groups: Set<string>;
  pendingOffsets: Map<string, OffsetCommitEntry[]>;
  timer: NodeJS.Timeout | null;
}

export interface TransactionCoordinatorOptions {
  transactionTimeoutMaxMs: number;
  topics: TopicRegistry;
  groups: GroupCoordinator;
  now: () => number;
  /** Called after markers change what read_committed consumers may see. */
  onMarkers: () => void;
  log?: (msg: string, fields: Record<string, unknown>) => void;
}

const MAX_EPOCH = 32767;

/**
 * Kafka's transaction coordinator for one node: transactional id -> (producer id, epoch, state,
 * partitions, groups). Markers are written synchronously, so the PrepareCommit/PrepareAbort states
 * of a real broker collapse into the Complete ones. Bumping the epoch (InitProducerId, timeout)
 * fences whatever zombie still holds the old one.
 */
export class TransactionCoordinator {
  readonly byTransactionalId = new Map<string, TransactionalEntry>();
  private readonly byProducerId = new Map<number, TransactionalEntry>();
  nextProducerId = 1000;

  constructor(private readonly options: TransactionCoordinatorOptions) {}

  initProducerId(
    transactionalId: string | null,
    timeoutMs: number,
  ): { errorCode: number; producerId: number; epoch: number } {
    if (transactionalId === null || transactionalId === '')
      return { errorCode: ErrorCode.NONE, producerId: this.nextProducerId++, epoch: 0 };
    if (timeoutMs <= 0 || timeoutMs > this.options.transactionTimeoutMaxMs) {
      return { errorCode: ErrorCode.INVALID_TRANSACTION_TIMEOUT, producerId: -1, epoch: -1 };
    }
    let entry = this.byTransactionalId.get(transactionalId);
    if (entry === undefined) {
      entry = {
        transactionalId,
        producerId: this.nextProducerId++,
        epoch: 0,
        timeoutMs,
        state: 'Empty',
        partitions: new Map(),
        groups: new Set(),
        pendingOffsets: new Map(),
        timer: null,
      };
      this.byTransactionalId.set(transactionalId, entry);
      this.byProducerId.set(entry.producerId, entry);
      return { errorCode: ErrorCode.NONE, producerId: entry.producerId, epoch: entry.epoch };
    }
    entry.timeoutMs = timeoutMs;
    if (entry.epoch >= MAX_EPOCH - 1) {
      // Epoch space exhausted: a new producer id starts again at 0, still fencing the old one.
      if (entry.state === 'Ongoing')
        this.complete(entry, false, 'a new producer initialised the transactional id');
      this.byProducerId.delete(entry.producerId);
      entry.producerId = this.nextProducerId++;
      entry.epoch = 0;
      this.byProducerId.set(entry.producerId, entry);
    } else {
      entry.epoch++;
      // The open transaction's abort markers carry the new epoch, fencing the old producer in
      // every partition it wrote to, as Kafka's coordinator does.
      if (entry.state === 'Ongoing')
        this.complete(entry, false, 'a new producer initialised the transactional id');
    }
    entry.state = 'Empty';
    return { errorCode: ErrorCode.NONE, producerId: entry.producerId, epoch: entry.epoch };
  }

  /** NONE when (transactionalId, producerId, epoch) is the current owner of the transactional id. */
  private check(
    transactionalId: string,
    producerId: number,
    epoch: number,
  ): { errorCode: number; entry?: TransactionalEntry } {
    const entry = this.byTransactionalId.get(transactionalId);
    if (entry === undefined || entry.producerId !== producerId)
      return { errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING };
    if (epoch !== entry.epoch) return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    return { errorCode: ErrorCode.NONE, entry };
  }

  private begin(entry: TransactionalEntry): void {
    if (entry.state === 'Ongoing') return;
    entry.state = 'Ongoing';
    entry.partitions.clear();
    entry.groups.clear();
    entry.pendingOffsets.clear();
    entry.timer = setTimeout(() => {
      try {
        entry.timer = null;
        if (entry.state !== 'Ongoing') return;
        this.options.log?.('transaction timed out', {
          transactionalId: entry.transactionalId,
          timeoutMs: entry.timeoutMs,
        });
        // Kafka fences the producer of a timed-out transaction by aborting it with a bumped epoch.
        if (entry.epoch < MAX_EPOCH) entry.epoch++;
        this.complete(entry, false, 'timed out');
      } catch (error) {
        // A timer has no caller to report to; a failed marker write (disk) is logged instead of
        // taking the broker down.
        this.options.log?.('transaction timeout abort failed', {
          transactionalId: entry.transactionalId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }, entry.timeoutMs);
  }

  addPartitions(
    transactionalId: string,
    producerId: number,
    epoch: number,
    partitions: TxnPartition[],
  ): number[] {
    const { errorCode, entry } = this.check(transactionalId, producerId, epoch);
    if (entry === undefined) return partitions.map(() => errorCode);
    const codes = partitions.map((p) =>
      this.options.topics.partition(p.topic, p.partition) === undefined
        ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        : ErrorCode.NONE,
    );
    if (codes.some((c) => c !== ErrorCode.NONE)) {
      return codes.map((c) => (c === ErrorCode.NONE ? ErrorCode.OPERATION_NOT_ATTEMPTED : c));
    }
    this.begin(entry);
    for (const p of partitions) entry.partitions.set(`${p.topic}\u0000${p.partition}`, p);
    return codes;
  }

  addOffsets(transactionalId: string, producerId: number, epoch: number, groupId: string): number {
    const { errorCode, entry } = this.check(transactionalId, producerId, epoch);
    if (entry === undefined) return errorCode;
    if (groupId.length === 0) return ErrorCode.INVALID_GROUP_ID;
    this.begin(entry);
    entry.groups.add(groupId);
    return ErrorCode.NONE;
  }

  txnOffsetCommit(
    transactionalId: string,
    groupId: string,
    producerId: number,
    epoch: number,
    offsets: OffsetCommitEntry[],
  ): number {
    const { errorCode, entry } = this.check(transactionalId, producerId, epoch);
    if (entry === undefined) return errorCode;
    if (entry.state !== 'Ongoing' || !entry.groups.has(groupId)) return ErrorCode.INVALID_TXN_STATE;
    const pending = entry.pendingOffsets.get(groupId) ?? [];
    pending.push(...offsets);
    entry.pendingOffsets.set(groupId, pending);
    return ErrorCode.NONE;
  }

  endTxn(transactionalId: string, producerId: number, epoch: number, commit: boolean): number {
    const { errorCode, entry } = this.check(transactionalId, producerId, epoch);
    if (entry === undefined) return errorCode;
    if (entry.state === 'Ongoing') {
      this.complete(entry, commit, commit ? 'committed' : 'aborted');
      return ErrorCode.NONE;
    }
    // A retried EndTxn after the first one completed gets the same answer.
    if (
      (entry.state === 'CompleteCommit' && commit) ||
      (entry.state === 'CompleteAbort' && !commit)
    )
      return ErrorCode.NONE;
    return ErrorCode.INVALID_TXN_STATE;
  }

  /** Error for a transactional batch: its producer must own the epoch and have added the partition. */
  checkProduce(producerId: number, epoch: number, topic: string, partition: number): number {
    const entry = this.byProducerId.get(producerId);
    if (entry === undefined) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (epoch < entry.epoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (epoch > entry.epoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (entry.state !== 'Ongoing' || !entry.partitions.has(`${topic}\u0000${partition}`))
      return ErrorCode.INVALID_TXN_STATE;
    return ErrorCode.NONE;
  }

  private complete(entry: TransactionalEntry, commit: boolean, reason: string): void {
    if (entry.timer !== null) clearTimeout(entry.timer);
    entry.timer = null;
    const now = this.options.now();
    for (const { topic, partition } of entry.partitions.values()) {
      this.options.topics
        .partition(topic, partition)
        ?.writeMarker(entry.producerId, entry.epoch, commit, now);
    }
    if (commit)
      for (const [groupId, offsets] of entry.pendingOffsets)
        this.options.groups.commit(groupId, offsets);
    this.options.log?.('transaction completed', {
      transactionalId: entry.transactionalId,
      commit,
      reason,
      partitions: entry.partitions.size,
    });
    entry.partitions.clear();
    entry.groups.clear();
    entry.pendingOffsets.clear();
    entry.state = commit ? 'CompleteCommit' : 'CompleteAbort';
    this.options.onMarkers();
  }

  close(): void {
    for (const entry of this.byTransactionalId.values()) {
      if (entry.timer !== null) clearTimeout(entry.timer);
      entry.timer = null;
    }
  }
}
