import { splitOffsetKey } from '../shared.js';
import { ApiKey, ErrorCode } from '../shared.js';
import { defineApi } from '../api.js';
import type { ApiDefinition } from '../api.js';

/**
 * OffsetFetch Request (Version: 3) => group_id [topics]
 *   group_id => STRING
 *   topics => topic [partitions]          (null array: every partition the group committed)
 *     topic => STRING
 *     partitions => partition
 *       partition => INT32
 *
 * OffsetFetch Response (Version: 3) => throttle_time_ms [responses] error_code
 *   throttle_time_ms => INT32
 *   responses => topic [partition_responses]
 *     topic => STRING
 *     partition_responses => partition offset metadata error_code
 *       partition => INT32  offset => INT64 (-1: none)  metadata => NULLABLE_STRING  error_code => INT16
 *   error_code => INT16
 */
export interface OffsetFetchRequest {
  groupId: string;
  topics: { name: string; partitions: number[] }[] | null;
}

export interface OffsetFetchResponse {
  errorCode: number;
  topics: {
    name: string;
    partitions: { partition: number; offset: number; metadata: string | null }[];
  }[];
}

export const offsetFetchV3Definition: ApiDefinition<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: ApiKey.OffsetFetch,
  version: 3,
  name: 'OffsetFetch',
  decode: (reader) => ({
    groupId: reader.string(),
    topics: reader.nullableArray(
      (r) => ({ name: r.string(), partitions: r.array((p) => p.int32(), 4) }),
      6,
    ),
  }),
  handle(request, { broker }) {
    if (request.groupId.length === 0) return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] };
    const group = broker.groups.group(request.groupId);
    let wanted = request.topics;
    if (wanted === null) {
      const byTopic = new Map<string, number[]>();
      for (const key of group?.offsets.keys() ?? []) {
        const { topic, partition } = splitOffsetKey(key);
        const list = byTopic.get(topic) ?? [];
        list.push(partition);
        byTopic.set(topic, list);
      }
      wanted = [...byTopic].map(([name, partitions]) => ({ name, partitions }));
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: wanted.map(({ name, partitions }) => ({
        name,
        partitions: partitions.map((partition) => {
          const committed = broker.groups.committed(request.groupId, name, partition);
          return {
            partition,
            offset: committed?.offset ?? -1,
            metadata: committed?.metadata ?? '',
          };
        }),
      })),
    };
  },
  encode(writer, response) {
    writer.int32(0);
    writer.array(response.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (pw, p) => {
        pw.int32(p.partition).int64(p.offset).nullableString(p.metadata).int16(ErrorCode.NONE);
      });
    });
    writer.int16(response.errorCode);
  },
};

export const offsetFetchV3 = defineApi(offsetFetchV3Definition);
