import { ApiKey } from '../shared.js';
import { defineApi } from '../api.js';
import type { OffsetCommitResponse } from '../offset-commit/index.js';

/**
 * TxnOffsetCommit Request (Version: 0) => transactional_id group_id producer_id producer_epoch [topics]
 *   transactional_id => STRING  group_id => STRING  producer_id => INT64  producer_epoch => INT16
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition offset metadata
 *       partition => INT32  offset => INT64  metadata => NULLABLE_STRING
 *
 * TxnOffsetCommit Response (Version: 0) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition error_code
 *       partition => INT32  error_code => INT16
 */
interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: number;
  epoch: number;
  topics: {
    name: string;
    partitions: { partition: number; offset: number; metadata: string | null }[];
  }[];
}

export const txnOffsetCommitV0 = defineApi<TxnOffsetCommitRequest, OffsetCommitResponse>({
  apiKey: ApiKey.TxnOffsetCommit,
  version: 0,
  name: 'TxnOffsetCommit',
  decode: (reader) => ({
    transactionalId: reader.string(),
    groupId: reader.string(),
    producerId: reader.int64(),
    epoch: reader.int16(),
    topics: reader.array(
      (r) => ({
        name: r.string(),
        partitions: r.array(
          (p) => ({ partition: p.int32(), offset: p.int64(), metadata: p.nullableString() }),
          14,
        ),
      }),
      6,
    ),
  }),
  handle(request, { broker }) {
    const entries = request.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partition,
        offset: p.offset,
        metadata: p.metadata,
      })),
    );
    // Held by the transaction until EndTxn: committed with it, or dropped on abort.
    const errorCode = broker.txns.txnOffsetCommit(
      request.transactionalId,
      request.groupId,
      request.producerId,
      request.epoch,
      entries,
    );
    return {
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode })),
      })),
    };
  },
  encode(writer, response) {
    writer.int32(0);
    writer.array(response.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode);
      });
    });
  },
});
