import type { BrokerState } from '../shared.js';
import type { AbortedTxn } from '../shared.js';
import { ApiKey, ErrorCode } from '../shared.js';
import { defineApi } from '../api.js';

/**
 * Fetch Request (Version: 4) => replica_id max_wait_time min_bytes max_bytes isolation_level [topics]
 *   replica_id => INT32
 *   max_wait_time => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32
 *   isolation_level => INT8              (0 read_uncommitted, 1 read_committed)
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition fetch_offset max_bytes
 *       partition => INT32  fetch_offset => INT64  max_bytes => INT32
 *
 * Fetch Response (Version: 4) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32
 *   responses => topic [partition_responses]
 *     topic => STRING
 *     partition_responses => partition_header record_set
 *       partition_header => partition error_code high_watermark last_stable_offset [aborted_transactions]
 *         partition => INT32  error_code => INT16  high_watermark => INT64  last_stable_offset => INT64
 *         aborted_transactions => producer_id first_offset
 *           producer_id => INT64  first_offset => INT64
 *       record_set => RECORDS
 */
interface FetchPartition {
  partition: number;
  fetchOffset: number;
  maxBytes: number;
}

interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  readCommitted: boolean;
  topics: { name: string; partitions: FetchPartition[] }[];
}

interface PartitionData {
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  aborted: AbortedTxn[];
  batches: Buffer[];
  bytes: number;
}

interface FetchResponse {
  topics: { name: string; partitions: PartitionData[] }[];
}

function collect(
  broker: BrokerState,
  request: FetchRequest,
): { response: FetchResponse; bytes: number; error: boolean } {
  let budget = request.maxBytes;
  let total = 0;
  let error = false;
  const topics = request.topics.map(({ name, partitions }) => ({
    name,
    partitions: partitions.map((p): PartitionData => {
      const log = broker.partition(name, p.partition);
      if (log === undefined) {
        error = true;
        return {
          partition: p.partition,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          highWatermark: -1,
          lastStableOffset: -1,
          aborted: [],
          batches: [],
          bytes: 0,
        };
      }
      const lso = log.lastStableOffset;
      const upTo = request.readCommitted ? lso : log.highWatermark;
      // Only the first non-empty partition may push the response past max_bytes (by one batch,
      // KIP-74); later ones are skipped once the budget is spent.
      if (total > 0 && budget <= 0) {
        return {
          partition: p.partition,
          errorCode: ErrorCode.NONE,
          highWatermark: log.highWatermark,
          lastStableOffset: lso,
          aborted: [],
          batches: [],
          bytes: 0,
        };
      }
      const read = log.read(
        p.fetchOffset,
        Math.min(p.maxBytes, budget),
        upTo,
        request.readCommitted,
      );
      if (read.errorCode !== ErrorCode.NONE) error = true;
      total += read.bytes;
      budget -= read.bytes;
      return {
        partition: p.partition,
        errorCode: read.errorCode,
        highWatermark: log.highWatermark,
        lastStableOffset: lso,
        aborted: read.aborted,
        batches: read.batches,
        bytes: read.bytes,
      };
    }),
  }));
  return { response: { topics }, bytes: total, error };
}

function enoughData(broker: BrokerState, request: FetchRequest): boolean {
  let bytes = 0;
  for (const { name, partitions } of request.topics) {
    for (const p of partitions) {
      const log = broker.partition(name, p.partition);
      if (log === undefined) return true;
      if (p.fetchOffset > log.nextOffset || p.fetchOffset < log.logStartOffset) return true;
      const upTo = request.readCommitted ? log.lastStableOffset : log.highWatermark;
      bytes += log.availableBytes(p.fetchOffset, upTo, request.minBytes - bytes);
      if (bytes >= request.minBytes) return true;
    }
  }
  return false;
}

export const fetchV4 = defineApi<FetchRequest, FetchResponse>({
  apiKey: ApiKey.Fetch,
  version: 4,
  name: 'Fetch',
  decode(reader) {
    reader.int32(); // replica_id: only consumers (-1) fetch from a single node
    const maxWaitMs = reader.int32();
    const minBytes = reader.int32();
    const maxBytes = reader.int32();
    const readCommitted = reader.int8() === 1;
    const topics = reader.array(
      (r) => ({
        name: r.string(),
        partitions: r.array(
          (p) => ({ partition: p.int32(), fetchOffset: p.int64(), maxBytes: p.int32() }),
          16,
        ),
      }),
      6,
    );
    return {
      maxWaitMs,
      minBytes: Math.max(minBytes, 1),
      maxBytes: maxBytes <= 0 ? 0x7fffffff : maxBytes,
      readCommitted,
      topics,
    };
  },
  handle(request, { broker }) {
    const first = collect(broker, request);
    if (first.error || first.bytes >= request.minBytes || request.maxWaitMs <= 0 || broker.closed)
      return first.response;
    // Long poll: park until an append or a transaction marker makes minBytes available, or
    // max_wait_time passes, so idle consumers do not spin.
    return new Promise<FetchResponse>((resolve, reject) => {
      // Runs from a timer or from another request's handler: a throw here must reach this
      // request's connection (which closes), never the event loop.
      const answer = () => {
        try {
          resolve(collect(broker, request).response);
        } catch (error) {
          reject(error);
        }
      };
      const timer = setTimeout(() => {
        broker.waiters.delete(waiter);
        answer();
      }, request.maxWaitMs);
      const waiter = {
        ready: () => enoughData(broker, request),
        wake: () => {
          clearTimeout(timer);
          answer();
        },
      };
      broker.waiters.add(waiter);
    });
  },
  encode(writer, response) {
    writer.int32(0);
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode).int64(p.highWatermark).int64(p.lastStableOffset);
        pw.array(p.aborted, (aw, txn) => {
          aw.int64(txn.producerId).int64(txn.firstOffset);
        });
        pw.int32(p.bytes);
        for (const batch of p.batches) pw.raw(batch);
      });
    });
  },
});
