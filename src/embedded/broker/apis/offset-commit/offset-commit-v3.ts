import { ApiKey, ErrorCode } from '../shared.js';
import { defineApi } from '../api.js';
import type { ApiDefinition } from '../api.js';

/**
 * OffsetCommit Request (Version: 3) => group_id generation_id member_id retention_time [topics]
 *   group_id => STRING
 *   generation_id => INT32           (-1 with an empty member_id: a commit from outside the group)
 *   member_id => STRING
 *   retention_time => INT64          (ignored: offsets are kept until the group is deleted)
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition offset metadata
 *       partition => INT32  offset => INT64  metadata => NULLABLE_STRING
 *
 * OffsetCommit Response (Version: 3) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32
 *   responses => topic [partition_responses]
 *     topic => STRING
 *     partition_responses => partition error_code
 *       partition => INT32  error_code => INT16
 */
export interface OffsetCommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  topics: {
    name: string;
    partitions: { partition: number; offset: number; metadata: string | null }[];
  }[];
}

export interface OffsetCommitResponse {
  topics: { name: string; partitions: { partition: number; errorCode: number }[] }[];
}

export const offsetCommitV3Definition: ApiDefinition<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: ApiKey.OffsetCommit,
  version: 3,
  name: 'OffsetCommit',
  decode(reader) {
    const groupId = reader.string();
    const generationId = reader.int32();
    const memberId = reader.string();
    reader.int64();
    const topics = reader.array(
      (r) => ({
        name: r.string(),
        partitions: r.array(
          (p) => ({ partition: p.int32(), offset: p.int64(), metadata: p.nullableString() }),
          14,
        ),
      }),
      6,
    );
    return { groupId, generationId, memberId, topics };
  },
  handle(request, { broker }) {
    const errorCode =
      request.groupId.length === 0
        ? ErrorCode.INVALID_GROUP_ID
        : broker.groups.commitCheck(request.groupId, request.generationId, request.memberId);
    if (errorCode === ErrorCode.NONE) {
      broker.groups.commit(
        request.groupId,
        request.topics.flatMap((t) =>
          t.partitions.map((p) => ({
            topic: t.name,
            partition: p.partition,
            offset: p.offset,
            metadata: p.metadata,
          })),
        ),
      );
    }
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
};

export const offsetCommitV3 = defineApi(offsetCommitV3Definition);
