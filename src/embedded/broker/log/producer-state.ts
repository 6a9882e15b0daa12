import { ErrorCode } from '../protocol/index.js';

/** How many recent batches per producer are remembered for duplicate detection (Kafka keeps 5). */
const RECENT_BATCHES = 5;
const MAX_SEQUENCE = 0x7fffffff;

interface RecentBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
}

export interface ProducerEntry {
  epoch: number;
  lastSeq: number;
  recent: RecentBatch[];
}

export type SequenceVerdict =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; errorCode: number };

/**
 * Idempotent-producer bookkeeping for one partition: the epoch and the last sequence of every
 * producer id seen, so a retried batch is answered with its first offset instead of being
 * appended twice, a gap is refused, and an older epoch (a zombie) is fenced.
 */
export class ProducerStateTable {
  readonly producers = new Map<number, ProducerEntry>();

  check(
    producerId: number,
    epoch: number,
    baseSequence: number,
    recordCount: number,
  ): SequenceVerdict {
    if (producerId < 0 || baseSequence < 0) return { kind: 'append' };
    const entry = this.producers.get(producerId);
    if (entry === undefined) {
      return baseSequence === 0
        ? { kind: 'append' }
        : { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    if (epoch < entry.epoch) return { kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    if (epoch > entry.epoch) {
      return baseSequence === 0
        ? { kind: 'append' }
        : { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    const lastSeq = (baseSequence + recordCount - 1) % (MAX_SEQUENCE + 1);
    for (const batch of entry.recent) {
      if (batch.firstSeq === baseSequence && batch.lastSeq === lastSeq)
        return { kind: 'duplicate', baseOffset: batch.baseOffset };
    }
    const expected = entry.lastSeq === MAX_SEQUENCE ? 0 : entry.lastSeq + 1;
    if (entry.lastSeq >= 0 && baseSequence !== expected) {
      return { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    if (entry.lastSeq < 0 && baseSequence !== 0)
      return { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    return { kind: 'append' };
  }

  /** Records an appended data batch. */
  recordAppend(
    producerId: number,
    epoch: number,
    baseSequence: number,
    recordCount: number,
    baseOffset: number,
  ): void {
    if (producerId < 0) return;
    let entry = this.producers.get(producerId);
    if (entry === undefined || entry.epoch !== epoch) {
      entry = { epoch, lastSeq: -1, recent: [] };
      this.producers.set(producerId, entry);
    }
    if (baseSequence < 0) return;
    const lastSeq = (baseSequence + recordCount - 1) % (MAX_SEQUENCE + 1);
    entry.lastSeq = lastSeq;
    entry.recent.push({ firstSeq: baseSequence, lastSeq, baseOffset });
    if (entry.recent.length > RECENT_BATCHES) entry.recent.shift();
  }

  /** A marker written with a higher epoch (fencing) starts the producer's sequences afresh. */
  recordMarker(producerId: number, epoch: number): void {
    const entry = this.producers.get(producerId);
    if (entry === undefined || epoch > entry.epoch)
      this.producers.set(producerId, { epoch, lastSeq: -1, recent: [] });
  }

  currentEpoch(producerId: number): number | undefined {
    return this.producers.get(producerId)?.epoch;
  }
}
