import { ApiKey } from '../shared.js';
import { defineApi } from '../api.js';

/**
 * DeleteGroups Request (Version: 1) => [groups_names]
 *   groups_names => STRING
 *
 * DeleteGroups Response (Version: 1) => throttle_time_ms [results]
 *   throttle_time_ms => INT32
 *   results => group_id error_code
 *     group_id => STRING  error_code => INT16
 */
export const deleteGroupsV1 = defineApi<string[], { groupId: string; errorCode: number }[]>({
  apiKey: ApiKey.DeleteGroups,
  version: 1,
  name: 'DeleteGroups',
  decode: (reader) => reader.array((r) => r.string(), 2),
  handle: (groupIds, { broker }) =>
    groupIds.map((groupId) => ({ groupId, errorCode: broker.groups.delete(groupId) })),
  encode(writer, results) {
    writer.int32(0);
    writer.array(results, (w, r) => {
      w.string(r.groupId).int16(r.errorCode);
    });
  },
});
