import { defineApi } from '../api.js';
import { joinGroupV2Definition } from './join-group-v2.js';

/**
 * JoinGroup Request (Version: 1) => group_id session_timeout rebalance_timeout member_id protocol_type [group_protocols]
 *   group_id => STRING
 *   session_timeout => INT32
 *   rebalance_timeout => INT32
 *   member_id => STRING
 *   protocol_type => STRING
 *   group_protocols => protocol_name protocol_metadata
 *     protocol_name => STRING  protocol_metadata => BYTES
 *
 * JoinGroup Response (Version: 1) => error_code generation_id group_protocol leader_id member_id [members]
 *   error_code => INT16
 *   generation_id => INT32
 *   group_protocol => STRING
 *   leader_id => STRING
 *   member_id => STRING
 *   members => member_id member_metadata
 *     member_id => STRING  member_metadata => BYTES
 */
export const joinGroupV1 = defineApi({
  ...joinGroupV2Definition,
  version: 1,

  encode(writer, response) {
    writer.int16(response.errorCode).int32(response.generationId).string(response.protocolName);
    writer.string(response.leaderId).string(response.memberId);
    writer.array(response.members, (w, m) => {
      w.string(m.memberId).bytes(m.metadata);
    });
  },
});
