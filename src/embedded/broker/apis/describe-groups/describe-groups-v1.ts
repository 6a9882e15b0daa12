import { ApiKey, ErrorCode } from '../shared.js';
import { defineApi } from '../api.js';

/**
 * DescribeGroups Request (Version: 1) => [group_ids]
 *   group_ids => STRING
 *
 * DescribeGroups Response (Version: 1) => throttle_time_ms [groups]
 *   throttle_time_ms => INT32
 *   groups => error_code group_id state protocol_type protocol [members]
 *     error_code => INT16  group_id => STRING  state => STRING  protocol_type => STRING  protocol => STRING
 *     members => member_id client_id client_host member_metadata member_assignment
 *       member_id => STRING  client_id => STRING  client_host => STRING
 *       member_metadata => BYTES  member_assignment => BYTES
 */
interface DescribedMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

interface DescribedGroup {
  errorCode: number;
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: DescribedMember[];
}

export const describeGroupsV1 = defineApi<string[], DescribedGroup[]>({
  apiKey: ApiKey.DescribeGroups,
  version: 1,
  name: 'DescribeGroups',
  decode: (reader) => reader.array((r) => r.string(), 2),
  handle(groupIds, { broker }) {
    return groupIds.map((groupId): DescribedGroup => {
      const group = broker.groups.group(groupId);
      if (group === undefined)
        return {
          errorCode: ErrorCode.NONE,
          groupId,
          state: 'Dead',
          protocolType: '',
          protocol: '',
          members: [],
        };
      const stable = group.state === 'Stable';
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        state: group.state,
        protocolType: group.protocolType ?? '',
        protocol: stable ? (group.protocolName ?? '') : '',
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          metadata: stable
            ? (m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? Buffer.alloc(0))
            : Buffer.alloc(0),
          assignment: stable ? m.assignment : Buffer.alloc(0),
        })),
      };
    });
  },
  encode(writer, groups) {
    writer.int32(0);
    writer.array(groups, (w, g) => {
      w.int16(g.errorCode)
        .string(g.groupId)
        .string(g.state)
        .string(g.protocolType)
        .string(g.protocol);
      w.array(g.members, (mw, m) => {
        mw.string(m.memberId)
          .string(m.clientId)
          .string(m.clientHost)
          .bytes(m.metadata)
          .bytes(m.assignment);
      });
    });
  },
});
