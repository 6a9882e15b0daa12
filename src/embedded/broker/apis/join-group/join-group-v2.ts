import type { JoinResult } from '../shared.js';
import { ApiKey } from '../shared.js';
import { defineApi } from '../api.js';
import type { ApiDefinition } from '../api.js';

/**
 * JoinGroup Request (Version: 2) => group_id session_timeout rebalance_timeout member_id protocol_type [group_protocols]
 *   group_id => STRING
 *   session_timeout => INT32
 *   rebalance_timeout => INT32
 *   member_id => STRING
 *   protocol_type => STRING
 *   group_protocols => protocol_name protocol_metadata
 *     protocol_name => STRING  protocol_metadata => BYTES
 *
 * JoinGroup Response (Version: 2) => throttle_time_ms error_code generation_id group_protocol leader_id member_id [members]
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   generation_id => INT32
 *   group_protocol => STRING
 *   leader_id => STRING
 *   member_id => STRING
 *   members => member_id member_metadata    (filled for the leader only)
 *     member_id => STRING  member_metadata => BYTES
 */
export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  protocolType: string;
  protocols: { name: string; metadata: Buffer }[];
}

export const joinGroupV2Definition: ApiDefinition<JoinGroupRequest, JoinResult> = {
  apiKey: ApiKey.JoinGroup,
  version: 2,
  name: 'JoinGroup',
  decode: (reader) => ({
    groupId: reader.string(),
    sessionTimeoutMs: reader.int32(),
    rebalanceTimeoutMs: reader.int32(),
    memberId: reader.string(),
    protocolType: reader.string(),
    protocols: reader.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }), 6),
  }),
  handle: (request, { broker, clientId, clientHost }) =>
    broker.groups.join({ ...request, clientId: clientId ?? '', clientHost }),
  encode(writer, response) {
    writer
      .int32(0)
      .int16(response.errorCode)
      .int32(response.generationId)
      .string(response.protocolName);
    writer.string(response.leaderId).string(response.memberId);
    writer.array(response.members, (w, m) => {
      w.string(m.memberId).bytes(m.metadata);
    });
  },
};

export const joinGroupV2 = defineApi(joinGroupV2Definition);
