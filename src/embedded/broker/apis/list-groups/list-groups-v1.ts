import { ApiKey, ErrorCode } from '../shared.js';
import { defineApi } from '../api.js';

/**
 * ListGroups Request (Version: 1) =>
 *
 * ListGroups Response (Version: 1) => throttle_time_ms error_code [groups]
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   groups => group_id protocol_type
 *     group_id => STRING  protocol_type => STRING
 */
export const listGroupsV1 = defineApi<null, { groupId: string; protocolType: string }[]>({
  apiKey: ApiKey.ListGroups,
  version: 1,
  name: 'ListGroups',
  decode: () => null,
  handle: (_request, { broker }) =>
    [...broker.groups.groups.values()].map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType ?? 'consumer',
    })),
  encode(writer, groups) {
    writer.int32(0).int16(ErrorCode.NONE);
    writer.array(groups, (w, g) => {
      w.string(g.groupId).string(g.protocolType);
    });
  },
});
