import { defineApi } from '../api.js';
import { listOffsetsV2Definition } from './list-offsets-v2.js';

/**
 * ListOffsets Request (Version: 1) => replica_id [topics]
 *   replica_id => INT32
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition timestamp
 *       partition => INT32  timestamp => INT64
 *
 * ListOffsets Response (Version: 1) => [responses]
 *   responses => topic [partition_responses]
 *     topic => STRING
 *     partition_responses => partition error_code timestamp offset
 *       partition => INT32  error_code => INT16  timestamp => INT64  offset => INT64
 */
export const listOffsetsV1 = defineApi({
  ...listOffsetsV2Definition,
  version: 1,
  decode(reader) {
    reader.int32(); // replica_id
    const topics = reader.array(
      (r) => ({
        name: r.string(),
        partitions: r.array((p) => ({ partition: p.int32(), timestamp: p.int64() }), 12),
      }),
      6,
    );
    return { readCommitted: false, topics };
  },
  encode(writer, response) {
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode).int64(p.timestamp).int64(p.offset);
      });
    });
  },
});
