import { ErrorCode } from '../protocol/index.js';
import {
  decodeRecords,
  encodeControlBatch,
  readBatchHeader,
  setBaseOffset,
} from '../protocol/index.js';
import type { ParsedBatch } from '../protocol/index.js';
import { ProducerStateTable } from './producer-state.js';

export interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  producerId: number;
  isTransactional: boolean;
  isControl: boolean;
  data: Buffer;
}

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  /** Offset of the abort marker. */
  lastOffset: number;
}

export interface AppendResult {
  errorCode: number;
  baseOffset: number;
}

export interface ReadResult {
  errorCode: number;
  batches: Buffer[];
  bytes: number;
  aborted: AbortedTxn[];
}

/** Called with every batch as stored (offset assigned), so persistence can append it to disk. */
export type AppendListener = (data: Buffer) => void;

/**
 * One partition's log in memory: batches in offset order, the high watermark (single node, so
 * every append is committed at once), the idempotent-producer table, the first offset of every
 * open transaction (which fixes the last stable offset) and the index of aborted transactions
 * that read_committed fetches hand to the client.
 */
export class PartitionLog {
  readonly batches: StoredBatch[] = [];
  logStartOffset = 0;
  nextOffset = 0;
  readonly producers = new ProducerStateTable();
  /** producerId -> first offset of its open transaction in this partition. */
  readonly openTxns = new Map<number, number>();
  readonly abortedTxns: AbortedTxn[] = [];
  listener: AppendListener | null = null;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  get highWatermark(): number {
    return this.nextOffset;
  }

  get lastStableOffset(): number {
    let lso = this.nextOffset;
    for (const first of this.openTxns.values()) if (first < lso) lso = first;
    return lso;
  }

  /**
   * Appends validated batches from one Produce partition entry. The batches are copied: the
   * request buffer they view is reused. All-or-nothing per entry only for the sequence checks
   * of the first batch, which is how kafkajs sends (one batch per partition per request).
   */
  append(parsed: readonly ParsedBatch[]): AppendResult {
    let firstOffset = -1;
    for (const { header, data } of parsed) {
      const verdict = this.producers.check(
        header.producerId,
        header.producerEpoch,
        header.baseSequence,
        header.recordCount,
      );
      if (verdict.kind === 'error') return { errorCode: verdict.errorCode, baseOffset: -1 };
      if (verdict.kind === 'duplicate') {
        if (firstOffset < 0) firstOffset = verdict.baseOffset;
        continue;
      }
      const baseOffset = this.nextOffset;
      const copy = Buffer.from(data);
      setBaseOffset(copy, baseOffset);
      this.store(
        copy,
        header.isTransactional,
        header.isControl,
        header.producerId,
        header.lastOffsetDelta,
        header.maxTimestamp,
      );
      this.producers.recordAppend(
        header.producerId,
        header.producerEpoch,
        header.baseSequence,
        header.recordCount,
        baseOffset,
      );
      if (header.isTransactional && !this.openTxns.has(header.producerId))
        this.openTxns.set(header.producerId, baseOffset);
      if (firstOffset < 0) firstOffset = baseOffset;
    }
    return { errorCode: ErrorCode.NONE, baseOffset: firstOffset };
  }

  private store(
    data: Buffer,
    isTransactional: boolean,
    isControl: boolean,
    producerId: number,
    lastOffsetDelta: number,
    maxTimestamp: number,
  ): void {
    const baseOffset = this.nextOffset;
    this.batches.push({
      baseOffset,
      lastOffset: baseOffset + lastOffsetDelta,
      maxTimestamp,
      producerId,
      isTransactional,
      isControl,
      data,
    });
    this.nextOffset = baseOffset + lastOffsetDelta + 1;
    if (this.listener !== null) this.listener(data);
  }

  /** Writes a commit or abort marker for a producer's transaction and closes it here. */
  writeMarker(producerId: number, producerEpoch: number, commit: boolean, now: number): void {
    const firstOffset = this.openTxns.get(producerId);
    const marker = encodeControlBatch(producerId, producerEpoch, commit, now);
    setBaseOffset(marker, this.nextOffset);
    const markerOffset = this.nextOffset;
    this.store(marker, true, true, producerId, 0, now);
    this.producers.recordMarker(producerId, producerEpoch);
    this.openTxns.delete(producerId);
    if (!commit && firstOffset !== undefined) {
      this.abortedTxns.push({ producerId, firstOffset, lastOffset: markerOffset });
    }
  }

  /** Rebuilds state from a batch read back from disk (offsets already assigned). */
  restore(data: Buffer): void {
    const header = readBatchHeader(data);
    if (header.baseOffset !== this.nextOffset) {
      if (this.batches.length === 0) this.logStartOffset = this.nextOffset = header.baseOffset;
      else return;
    }
    if (header.isControl) {
      // The marker's key is (version, type); type 1 is a commit.
      const commit = decodeRecords(data)?.[0]?.key?.readInt16BE(2) === 1;
      const firstOffset = this.openTxns.get(header.producerId);
      this.store(data, true, true, header.producerId, header.lastOffsetDelta, header.maxTimestamp);
      this.producers.recordMarker(header.producerId, header.producerEpoch);
      this.openTxns.delete(header.producerId);
      if (!commit && firstOffset !== undefined) {
        this.abortedTxns.push({
          producerId: header.producerId,
          firstOffset,
          lastOffset: header.baseOffset,
        });
      }
      return;
    }
    this.store(
      data,
      header.isTransactional,
      false,
      header.producerId,
      header.lastOffsetDelta,
      header.maxTimestamp,
    );
    this.producers.recordAppend(
      header.producerId,
      header.producerEpoch,
      header.baseSequence,
      header.recordCount,
      header.baseOffset,
    );
    if (header.isTransactional && !this.openTxns.has(header.producerId))
      this.openTxns.set(header.producerId, header.baseOffset);
  }

  /** Index of the first batch whose last offset is >= offset (batches.length if none). */
  private findBatch(offset: number): number {
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.batches[mid].lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Whole batches from fetchOffset below upTo (the high watermark, or the last stable offset for
   * read_committed), at most maxBytes except that the first batch is always returned whole so a
   * batch larger than the limit cannot stall a consumer (KIP-74).
   */
  read(fetchOffset: number, maxBytes: number, upTo: number, readCommitted: boolean): ReadResult {
    if (fetchOffset < this.logStartOffset || fetchOffset > this.nextOffset) {
      return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, batches: [], bytes: 0, aborted: [] };
    }
    const batches: Buffer[] = [];
    let bytes = 0;
    let lastOffset = -1;
    for (let i = this.findBatch(fetchOffset); i < this.batches.length; i++) {
      const batch = this.batches[i];
      if (batch.baseOffset >= upTo) break;
      if (batches.length > 0 && bytes + batch.data.length > maxBytes) break;
      batches.push(batch.data);
      bytes += batch.data.length;
      lastOffset = batch.lastOffset;
    }
    const aborted: AbortedTxn[] = [];
    if (readCommitted && batches.length > 0) {
      for (const txn of this.abortedTxns) {
        if (txn.lastOffset >= fetchOffset && txn.firstOffset <= lastOffset) aborted.push(txn);
      }
      aborted.sort((a, b) => a.firstOffset - b.firstOffset);
    }
    return { errorCode: ErrorCode.NONE, batches, bytes, aborted };
  }

  /** Bytes available from fetchOffset below upTo, capped at `enough` (for Fetch's minBytes). */
  availableBytes(fetchOffset: number, upTo: number, enough: number): number {
    let bytes = 0;
    for (let i = this.findBatch(fetchOffset); i < this.batches.length && bytes < enough; i++) {
      const batch = this.batches[i];
      if (batch.baseOffset >= upTo) break;
      bytes += batch.data.length;
    }
    return bytes;
  }

  /** The first offset whose timestamp is >= timestamp, as ListOffsets answers it. */
  offsetForTimestamp(timestamp: number, upTo: number): { offset: number; timestamp: number } {
    for (let i = 0; i < this.batches.length; i++) {
      const batch = this.batches[i];
      if (batch.baseOffset >= upTo) break;
      if (batch.isControl || batch.maxTimestamp < timestamp) continue;
      const records = decodeRecords(batch.data);
      if (records === null) return { offset: batch.baseOffset, timestamp: batch.maxTimestamp };
      for (const record of records) {
        if (record.timestamp >= timestamp && record.offset < upTo)
          return { offset: record.offset, timestamp: record.timestamp };
      }
    }
    return { offset: -1, timestamp: -1 };
  }
}
