import { defineApi } from '../api.js';
import { syncGroupV1Definition } from './sync-group-v1.js';

/**
 * SyncGroup Request (Version: 0) => group_id generation_id member_id [group_assignment]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   group_assignment => member_id member_assignment
 *     member_id => STRING  member_assignment => BYTES
 *
 * SyncGroup Response (Version: 0) => error_code member_assignment
 *   error_code => INT16
 *   member_assignment => BYTES
 */
export const syncGroupV0 = defineApi({
  ...syncGroupV1Definition,
  version: 0,
  encode(writer, response) {
    writer.int16(response.errorCode).bytes(response.assignment);
  },
});
