/**
 * A kafkajs partition assigner that keeps co-partitioned inputs together: every topic's partition
 * p goes to the same member, so one task (sub-topology, p) finds all its inputs on one instance.
 *
 * Members are ordered by their instance id (carried in the join metadata), not by the member id
 * the broker makes up at each join, so the same instances get the same partitions after a restart.
 * Each member also announces where its API answers; the assignment hands every member the whole
 * map from partition to API address, as Kafka Streams' application.server does.
 */
import { AssignerProtocol } from 'kafkajs';
import type { Assigner, GroupMember, PartitionAssigner } from 'kafkajs';

export const COPARTITIONED_ASSIGNER = 'touchstream-copartitioned';

export interface MemberInfo {
  instanceId: string;
  apiAddress?: string;
}

export interface AssignmentInfo {
  /** Partition number -> API address of the instance that owns it. */
  owners: Record<number, string>;
  /** Partition number -> instance id. */
  instances: Record<number, string>;
}

function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function decodeJson<T>(buffer: Buffer | null | undefined, fallback: T): T {
  if (buffer === null || buffer === undefined || buffer.length === 0) return fallback;
  try {
    return JSON.parse(buffer.toString('utf8')) as T;
  } catch {
    return fallback;
  }
}

export function decodeAssignmentInfo(userData: Buffer | null | undefined): AssignmentInfo {
  return decodeJson<AssignmentInfo>(userData, { owners: {}, instances: {} });
}

export function copartitionedAssigner(self: MemberInfo): PartitionAssigner {
  return ({ cluster }) => {
    const assigner: Assigner = {
      name: COPARTITIONED_ASSIGNER,
      version: 1,
      async assign({ members, topics }) {
        const infos = members.map((member: GroupMember) => {
          const metadata = AssignerProtocol.MemberMetadata.decode(member.memberMetadata);
          const info = decodeJson<MemberInfo>(metadata?.userData, { instanceId: member.memberId });
          return { memberId: member.memberId, info };
        });
        infos.sort((a, b) =>
          a.info.instanceId < b.info.instanceId
            ? -1
            : a.info.instanceId > b.info.instanceId
              ? 1
              : a.memberId < b.memberId
                ? -1
                : 1,
        );
        const plan = new Map<string, Record<string, number[]>>(
          infos.map((entry) => [entry.memberId, {}]),
        );
        const owners: Record<number, string> = {};
        const instances: Record<number, string> = {};
        for (const topic of topics) {
          const partitions = cluster
            .findTopicPartitionMetadata(topic)
            .map((metadata) => metadata.partitionId);
          for (const partition of partitions) {
            const owner = infos[partition % infos.length];
            const assignment = plan.get(owner.memberId) as Record<string, number[]>;
            (assignment[topic] ??= []).push(partition);
            if (owner.info.apiAddress !== undefined) owners[partition] = owner.info.apiAddress;
            instances[partition] = owner.info.instanceId;
          }
        }
        const userData = encodeJson({ owners, instances } satisfies AssignmentInfo);
        return infos.map((entry) => ({
          memberId: entry.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 1,
            assignment: plan.get(entry.memberId) as Record<string, number[]>,
            userData,
          }),
        }));
      },
      protocol({ topics }) {
        return {
          name: COPARTITIONED_ASSIGNER,
          metadata: AssignerProtocol.MemberMetadata.encode({
            version: 1,
            topics,
            userData: encodeJson(self),
          }),
        };
      },
    };
    return assigner;
  };
}
