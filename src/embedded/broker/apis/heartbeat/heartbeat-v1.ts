import { ApiKey } from '../shared.js';
import { defineApi } from '../api.js';
import type { ApiDefinition } from '../api.js';

/**
 * Heartbeat Request (Version: 1) => group_id generation_id member_id
 *   group_id => STRING  generation_id => INT32  member_id => STRING
 *
 * Heartbeat Response (Version: 1) => throttle_time_ms error_code
 *   throttle_time_ms => INT32  error_code => INT16
 */
export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
}

export const heartbeatV1Definition: ApiDefinition<HeartbeatRequest, number> = {
  apiKey: ApiKey.Heartbeat,
  version: 1,
  name: 'Heartbeat',
  decode: (reader) => ({
    groupId: reader.string(),
    generationId: reader.int32(),
    memberId: reader.string(),
  }),
  handle: (request, { broker }) =>
    broker.groups.heartbeat(request.groupId, request.generationId, request.memberId),
  encode(writer, errorCode) {
    writer.int32(0).int16(errorCode);
  },
};

export const heartbeatV1 = defineApi(heartbeatV1Definition);
