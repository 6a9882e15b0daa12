import { defineApi } from '../api.js';
import { offsetFetchV3Definition } from './offset-fetch-v3.js';

/**
 * OffsetFetch Request (Version: 1) => group_id [topics]
 *   group_id => STRING
 *   topics => topic [partitions]        (not nullable before version 2)
 *     topic => STRING
 *     partitions => partition
 *       partition => INT32
 *
 * OffsetFetch Response (Version: 1) => [responses]
 *   responses => topic [partition_responses]
 *     topic => STRING
 *     partition_responses => partition offset metadata error_code
 *       partition => INT32  offset => INT64  metadata => NULLABLE_STRING  error_code => INT16
 */
export const offsetFetchV1 = defineApi({
  ...offsetFetchV3Definition,
  version: 1,
  decode: (reader) => ({
    groupId: reader.string(),
    topics: reader.array(
      (r) => ({ name: r.string(), partitions: r.array((p) => p.int32(), 4) }),
      6,
    ),
  }),
  encode(writer, response) {
    writer.array(response.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (pw, p) => {
        pw.int32(p.partition).int64(p.offset).nullableString(p.metadata).int16(response.errorCode);
      });
    });
  },
});
