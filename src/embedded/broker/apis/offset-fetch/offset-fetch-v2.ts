import { defineApi } from '../api.js';
import { offsetFetchV3Definition } from './offset-fetch-v3.js';

/**
 * OffsetFetch Request (Version: 2) => group_id [topics]
 *   group_id => STRING
 *   topics => topic [partitions]        (null array: every committed partition)
 *     topic => STRING
 *     partitions => partition
 *       partition => INT32
 *
 * OffsetFetch Response (Version: 2) => [responses] error_code
 *   responses => topic [partition_responses]
 *     topic => STRING
 *     partition_responses => partition offset metadata error_code
 *       partition => INT32  offset => INT64  metadata => NULLABLE_STRING  error_code => INT16
 *   error_code => INT16
 */
export const offsetFetchV2 = defineApi({
  ...offsetFetchV3Definition,
  version: 2,
  encode(writer, response) {
    writer.array(response.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (pw, p) => {
        pw.int32(p.partition).int64(p.offset).nullableString(p.metadata).int16(0);
      });
    });
    writer.int16(response.errorCode);
  },
});
