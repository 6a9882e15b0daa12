import { ApiKey } from '../shared.js';
import { defineApi } from '../api.js';
import type { ApiDefinition } from '../api.js';

/**
 * LeaveGroup Request (Version: 1) => group_id member_id
 *   group_id => STRING  member_id => STRING
 *
 * LeaveGroup Response (Version: 1) => throttle_time_ms error_code
 *   throttle_time_ms => INT32  error_code => INT16
 */
export interface LeaveGroupRequest {
  groupId: string;
  memberId: string;
}

export const leaveGroupV1Definition: ApiDefinition<LeaveGroupRequest, number> = {
  apiKey: ApiKey.LeaveGroup,
  version: 1,
  name: 'LeaveGroup',
  decode: (reader) => ({ groupId: reader.string(), memberId: reader.string() }),
  handle: (request, { broker }) => broker.groups.leave(request.groupId, request.memberId),
  encode(writer, errorCode) {
    writer.int32(0).int16(errorCode);
  },
};

export const leaveGroupV1 = defineApi(leaveGroupV1Definition);
