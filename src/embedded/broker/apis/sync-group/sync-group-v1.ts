import type { SyncResult } from '../shared.js';
import { ApiKey } from '../shared.js';
import { defineApi } from '../api.js';
import type { ApiDefinition } from '../api.js';

/**
 * SyncGroup Request (Version: 1) => group_id generation_id member_id [group_assignment]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   group_assignment => member_id member_assignment     (sent by the leader only)
 *     member_id => STRING  member_assignment => BYTES
 *
 * SyncGroup Response (Version: 1) => throttle_time_ms error_code member_assignment
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   member_assignment => BYTES
 */
export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  assignments: { memberId: string; assignment: Buffer }[];
}

export const syncGroupV1Definition: ApiDefinition<SyncGroupRequest, SyncResult> = {
  apiKey: ApiKey.SyncGroup,
  version: 1,
  name: 'SyncGroup',
  decode: (reader) => ({
    groupId: reader.string(),
    generationId: reader.int32(),
    memberId: reader.string(),
    assignments: reader.array(
      (r) => ({ memberId: r.string(), assignment: Buffer.from(r.bytes()) }),
      6,
    ),
  }),
  handle: (request, { broker }) =>
    broker.groups.sync(
      request.groupId,
      request.generationId,
      request.memberId,
      request.assignments,
    ),
  encode(writer, response) {
    writer.int32(0).int16(response.errorCode).bytes(response.assignment);
  },
};

export const syncGroupV1 = defineApi(syncGroupV1Definition);
