import { defineApi } from '../api.js';
import { offsetCommitV3Definition } from './offset-commit-v3.js';

/**
 * OffsetCommit Request (Version: 2) => group_id generation_id member_id retention_time [topics]
 *   (the same fields as version 3)
 *
 * OffsetCommit Response (Version: 2) => [responses]
 *   responses => topic [partition_responses]
 *     topic => STRING
 *     partition_responses => partition error_code
 *       partition => INT32  error_code => INT16
 */
export const offsetCommitV2 = defineApi({
  ...offsetCommitV3Definition,
  version: 2,
  encode(writer, response) {
    writer.array(response.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode);
      });
    });
  },
});
