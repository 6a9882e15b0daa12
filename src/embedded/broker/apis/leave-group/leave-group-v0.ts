import { defineApi } from '../api.js';
import { leaveGroupV1Definition } from './leave-group-v1.js';

/**
 * LeaveGroup Request (Version: 0) => group_id member_id
 *   group_id => STRING  member_id => STRING
 *
 * LeaveGroup Response (Version: 0) => error_code
 *   error_code => INT16
 */
export const leaveGroupV0 = defineApi({
  ...leaveGroupV1Definition,
  version: 0,
  encode(writer, errorCode) {
    writer.int16(errorCode);
  },
});
