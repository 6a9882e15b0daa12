import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/index.js';
import { ConsumerGroup, offsetKey } from './consumer-group.js';
import type { CommittedOffset, GroupMember, JoinResult, SyncResult } from './consumer-group.js';
import type {
  GroupCoordinatorOptions,
  JoinRequest,
  OffsetCommitEntry,
  OffsetPersistence,
} from './group-types.js';
import { joinError } from './group-types.js';

/**
 * The classic group protocol's coordinator, as Kafka's GroupCoordinator runs it: a group moves
 * Empty -> PreparingRebalance (members rejoin, or are dropped at the rebalance timeout) ->
 * CompletingRebalance (the leader's SyncGroup brings the assignment) -> Stable, and back to
 * PreparingRebalance when a member joins, leaves or misses its session timeout.
 */
export class GroupCoordinator {
  readonly groups = new Map<string, ConsumerGroup>();
  private closed = false;
  persistence: OffsetPersistence | null = null;

  constructor(private readonly options: GroupCoordinatorOptions) {}

  group(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  private getOrCreate(groupId: string): ConsumerGroup {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = new ConsumerGroup(groupId);
      this.groups.set(groupId, group);
    }
    return group;
  }

  join(request: JoinRequest): Promise<JoinResult> {
    const { groupId, memberId } = request;
    if (groupId.length === 0)
      return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, memberId));
    if (
      request.sessionTimeoutMs < this.options.minSessionTimeoutMs ||
      request.sessionTimeoutMs > this.options.maxSessionTimeoutMs
    ) {
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, memberId));
    }
    if (request.protocols.length === 0 || request.protocolType.length === 0) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
    }
    const group = this.getOrCreate(groupId);
    if (group.members.size > 0 && !this.protocolsCompatible(group, request)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
    }
    let member: GroupMember | undefined;
    if (memberId === '') {
      member = {
        memberId: `${request.clientId}-${randomUUID()}`,
        clientId: request.clientId,
        clientHost: request.clientHost,
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        protocolType: request.protocolType,
        protocols: request.protocols,
        assignment: Buffer.alloc(0),
        awaitingJoin: null,
        awaitingSync: null,
        sessionTimer: null,
      };
      group.members.set(member.memberId, member);
    } else {
      member = group.members.get(memberId);
      if (member === undefined)
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
      member.protocols = request.protocols;
      member.sessionTimeoutMs = request.sessionTimeoutMs;
      member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    }
    group.protocolType = request.protocolType;
    const joined = member;
    return new Promise<JoinResult>((resolve) => {
      joined.awaitingJoin?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, joined.memberId));
      joined.awaitingJoin = resolve;
      // A member waiting in JoinGroup is kept alive by the pending request, as in Kafka.
      this.clearSession(joined);
      if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
      else this.prepareRebalance(group, `member ${joined.memberId} joined`);
    });
  }

  private protocolsCompatible(group: ConsumerGroup, request: JoinRequest): boolean {
    if (group.protocolType !== null && group.protocolType !== request.protocolType) return false;
    const names = new Set(request.protocols.map((p) => p.name));
    for (const member of group.members.values()) {
      if (member.memberId === request.memberId) continue;
      if (!member.protocols.some((p) => names.has(p.name))) return false;
    }
    return true;
  }

  private prepareRebalance(group: ConsumerGroup, reason: string): void {
    this.options.log?.('group rebalancing', {
      groupId: group.groupId,
      reason,
      generationId: group.generationId,
    });
    for (const member of group.members.values()) {
      if (member.awaitingSync !== null) {
        member.awaitingSync({
          errorCode: ErrorCode.REBALANCE_IN_PROGRESS,
          assignment: Buffer.alloc(0),
        });
        member.awaitingSync = null;
      }
    }
    group.initialRebalance = group.state === 'Empty' && this.options.initialRebalanceDelayMs > 0;
    group.state = 'PreparingRebalance';
    this.clearRebalanceTimer(group);
    let timeout = 0;
    for (const member of group.members.values())
      timeout = Math.max(timeout, member.rebalanceTimeoutMs);
    if (group.initialRebalance) timeout = Math.min(timeout, this.options.initialRebalanceDelayMs);
    group.rebalanceTimer = setTimeout(() => this.onRebalanceTimeout(group), timeout);
    this.tryCompleteJoin(group);
  }

  private onRebalanceTimeout(group: ConsumerGroup): void {
    group.rebalanceTimer = null;
    if (group.state !== 'PreparingRebalance') return;
    if (group.initialRebalance) {
      group.initialRebalance = false;
      if (this.allJoined(group)) {
        this.completeJoin(group);
        return;
      }
      let timeout = 0;
      for (const member of group.members.values())
        timeout = Math.max(timeout, member.rebalanceTimeoutMs);
      group.rebalanceTimer = setTimeout(() => this.onRebalanceTimeout(group), timeout);
      return;
    }
    this.completeJoin(group);
  }

  private allJoined(group: ConsumerGroup): boolean {
    for (const member of group.members.values()) if (member.awaitingJoin === null) return false;
    return true;
  }

  private tryCompleteJoin(group: ConsumerGroup): void {
    if (group.state !== 'PreparingRebalance' || group.initialRebalance) return;
    if (this.allJoined(group)) this.completeJoin(group);
  }

  private completeJoin(group: ConsumerGroup): void {
    this.clearRebalanceTimer(group);
    for (const member of [...group.members.values()]) {
      if (member.awaitingJoin === null)
        this.removeMember(group, member, 'did not rejoin within the rebalance timeout', false);
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.leaderId = null;
      group.protocolType = null;
      return;
    }
    const members = [...group.members.values()];
    if (group.leaderId === null || !group.members.has(group.leaderId))
      group.leaderId = members[0].memberId;
    const leader = group.members.get(group.leaderId)!;
    const protocol = leader.protocols.find((p) =>
      members.every((m) => m.protocols.some((q) => q.name === p.name)),
    );
    group.protocolName = protocol?.name ?? leader.protocols[0].name;
    group.state = 'CompletingRebalance';
    this.options.log?.('group rebalanced', {
      groupId: group.groupId,
      generationId: group.generationId,
      members: members.length,
    });
    const memberList = members.map((m) => ({
      memberId: m.memberId,
      metadata: m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? Buffer.alloc(0),
    }));
    for (const member of members) {
      const resolve = member.awaitingJoin!;
      member.awaitingJoin = null;
      member.assignment = Buffer.alloc(0);
      this.scheduleSession(group, member);
      resolve({
        errorCode: ErrorCode.NONE,
        generationId: group.generationId,
        protocolName: group.protocolName,
        leaderId: group.leaderId,
        memberId: member.memberId,
        members: member.memberId === group.leaderId ? memberList : [],
      });
    }
  }

  sync(
    groupId: string,
    generationId: number,
    memberId: string,
    assignments: { memberId: string; assignment: Buffer }[],
  ): Promise<SyncResult> {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (group === undefined || member === undefined) {
      return Promise.resolve({
        errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
        assignment: Buffer.alloc(0),
      });
    }
    if (generationId !== group.generationId)
      return Promise.resolve({
        errorCode: ErrorCode.ILLEGAL_GENERATION,
        assignment: Buffer.alloc(0),
      });
    if (group.state === 'PreparingRebalance') {
      return Promise.resolve({
        errorCode: ErrorCode.REBALANCE_IN_PROGRESS,
        assignment: Buffer.alloc(0),
      });
    }
    this.scheduleSession(group, member);
    if (group.state === 'Stable')
      return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment });
    return new Promise<SyncResult>((resolve) => {
      member.awaitingSync = resolve;
      if (memberId !== group.leaderId) return;
      const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
      for (const m of group.members.values())
        m.assignment = byMember.get(m.memberId) ?? Buffer.alloc(0);
      group.state = 'Stable';
      for (const m of group.members.values()) {
        if (m.awaitingSync !== null) {
          m.awaitingSync({ errorCode: ErrorCode.NONE, assignment: m.assignment });
          m.awaitingSync = null;
        }
      }
    });
  }

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (group === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.state === 'PreparingRebalance') {
      this.scheduleSession(group, member);
      return ErrorCode.REBALANCE_IN_PROGRESS;
    }
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.scheduleSession(group, member);
    return ErrorCode.NONE;
  }

  leave(groupId: string, memberId: string): number {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (group === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(group, member, 'left the group', true);
    return ErrorCode.NONE;
  }

  private removeMember(
    group: ConsumerGroup,
    member: GroupMember,
    reason: string,
    rebalance: boolean,
  ): void {
    this.clearSession(member);
    group.members.delete(member.memberId);
    this.options.log?.('group member removed', {
      groupId: group.groupId,
      memberId: member.memberId,
      reason,
    });
    if (member.awaitingJoin !== null) {
      member.awaitingJoin(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
      member.awaitingJoin = null;
    }
    if (member.awaitingSync !== null) {
      member.awaitingSync({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) });
      member.awaitingSync = null;
    }
    if (!rebalance) return;
    if (group.state === 'Stable' || group.state === 'CompletingRebalance')
      this.prepareRebalance(group, `member ${member.memberId} ${reason}`);
    else if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
  }

  private scheduleSession(group: ConsumerGroup, member: GroupMember): void {
    this.clearSession(member);
    if (this.closed) return;
    member.sessionTimer = setTimeout(() => {
      member.sessionTimer = null;
      if (group.members.get(member.memberId) === member && member.awaitingJoin === null) {
        this.removeMember(
          group,
          member,
          `missed its ${member.sessionTimeoutMs} ms session timeout`,
          true,
        );
      }
    }, member.sessionTimeoutMs);
  }

  private clearSession(member: GroupMember): void {
    if (member.sessionTimer !== null) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
  }

  private clearRebalanceTimer(group: ConsumerGroup): void {
    if (group.rebalanceTimer !== null) clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = null;
  }

  /** Validates a group's right to commit; NONE when the commit may proceed. */
  commitCheck(groupId: string, generationId: number, memberId: string): number {
    const group = this.groups.get(groupId);
    if (generationId < 0 && memberId === '') {
      return group === undefined || group.members.size === 0
        ? ErrorCode.NONE
        : ErrorCode.UNKNOWN_MEMBER_ID;
    }
    const member = group?.members.get(memberId);
    if (group === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    this.scheduleSession(group, member);
    return ErrorCode.NONE;
  }

  commit(groupId: string, entries: readonly OffsetCommitEntry[]): void {
    const group = this.getOrCreate(groupId);
    for (const entry of entries) {
      const committed = { offset: entry.offset, metadata: entry.metadata };
      group.offsets.set(offsetKey(entry.topic, entry.partition), committed);
      this.persistence?.committed(groupId, entry.topic, entry.partition, committed);
    }
  }

  /** Restores an offset read back from disk. */
  restoreOffset(
    groupId: string,
    topic: string,
    partition: number,
    committed: CommittedOffset,
  ): void {
    this.getOrCreate(groupId).offsets.set(offsetKey(topic, partition), committed);
  }

  committed(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(groupId)?.offsets.get(offsetKey(topic, partition));
  }

  delete(groupId: string): number {
    const group = this.groups.get(groupId);
    if (group === undefined) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group.members.size > 0) return ErrorCode.NON_EMPTY_GROUP;
    this.clearRebalanceTimer(group);
    this.groups.delete(groupId);
    this.persistence?.groupDeleted(groupId);
    return ErrorCode.NONE;
  }

  close(): void {
    this.closed = true;
    for (const group of this.groups.values()) {
      this.clearRebalanceTimer(group);
      for (const member of group.members.values()) this.clearSession(member);
    }
  }
}
