import { ApiKey, ErrorCode } from '../shared.js';
import { defineApi } from '../api.js';
import type { ApiDefinition } from '../api.js';

/**
 * ListOffsets Request (Version: 2) => replica_id isolation_level [topics]
 *   replica_id => INT32
 *   isolation_level => INT8
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition timestamp
 *       partition => INT32  timestamp => INT64   (-1 latest, -2 earliest, else first offset at or after)
 *
 * ListOffsets Response (Version: 2) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32
 *   responses => topic [partition_responses]
 *     topic => STRING
 *     partition_responses => partition error_code timestamp offset
 *       partition => INT32  error_code => INT16  timestamp => INT64  offset => INT64
 */
export interface ListOffsetsRequest {
  readCommitted: boolean;
  topics: { name: string; partitions: { partition: number; timestamp: number }[] }[];
}

export interface ListOffsetsResponse {
  topics: {
    name: string;
    partitions: { partition: number; errorCode: number; timestamp: number; offset: number }[];
  }[];
}

const LATEST = -1;
const EARLIEST = -2;

export const listOffsetsV2Definition: ApiDefinition<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: ApiKey.ListOffsets,
  version: 2,
  name: 'ListOffsets',
  decode(reader) {
    reader.int32(); // replica_id
    const readCommitted = reader.int8() === 1;
    const topics = reader.array(
      (r) => ({
        name: r.string(),
        partitions: r.array((p) => ({ partition: p.int32(), timestamp: p.int64() }), 12),
      }),
      6,
    );
    return { readCommitted, topics };
  },
  handle(request, { broker }) {
    return {
      topics: request.topics.map(({ name, partitions }) => ({
        name,
        partitions: partitions.map(({ partition, timestamp }) => {
          const log = broker.partition(name, partition);
          if (log === undefined)
            return {
              partition,
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              timestamp: -1,
              offset: -1,
            };
          const upTo = request.readCommitted ? log.lastStableOffset : log.highWatermark;
          if (timestamp === LATEST)
            return { partition, errorCode: ErrorCode.NONE, timestamp: -1, offset: upTo };
          if (timestamp === EARLIEST)
            return {
              partition,
              errorCode: ErrorCode.NONE,
              timestamp: -1,
              offset: log.logStartOffset,
            };
          const found = log.offsetForTimestamp(timestamp, upTo);
          return {
            partition,
            errorCode: ErrorCode.NONE,
            timestamp: found.timestamp,
            offset: found.offset,
          };
        }),
      })),
    };
  },
  encode(writer, response) {
    writer.int32(0);
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode).int64(p.timestamp).int64(p.offset);
      });
    });
  },
};

export const listOffsetsV2 = defineApi(listOffsetsV2Definition);
