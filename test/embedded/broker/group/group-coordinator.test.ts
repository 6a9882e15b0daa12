import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { GroupCoordinator } from '../../../../src/embedded/broker/group/index.js';
import type { JoinRequest } from '../../../../src/embedded/broker/group/index.js';
import { ErrorCode } from '../../../../src/embedded/broker/protocol/index.js';
import { eventually } from '../helpers.js';

function joinRequest(overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId: '',
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('m') }],
    clientId: 'client',
    clientHost: '127.0.0.1',
    ...overrides,
  };
}

describe('group coordinator', () => {
  let coordinator: GroupCoordinator;
  const create = () => {
    coordinator = new GroupCoordinator({
      initialRebalanceDelayMs: 0,
      minSessionTimeoutMs: 10,
      maxSessionTimeoutMs: 60_000,
    });
    return coordinator;
  };
  afterEach(() => coordinator.close());

  it('makes the first member leader of generation 1 and hands it every member metadata', async () => {
    const groups = create();
    const joined = await groups.join(joinRequest());
    assert.equal(joined.errorCode, ErrorCode.NONE);
    assert.equal(joined.generationId, 1);
    assert.equal(joined.leaderId, joined.memberId);
    assert.deepEqual(
      joined.members.map((m) => m.memberId),
      [joined.memberId],
    );
    const synced = await groups.sync('g', 1, joined.memberId, [
      { memberId: joined.memberId, assignment: Buffer.from('all') },
    ]);
    assert.deepEqual(synced, { errorCode: ErrorCode.NONE, assignment: Buffer.from('all') });
    assert.equal(groups.group('g')?.state, 'Stable');
  });

  it('tells existing members to rejoin when a new one arrives and completes once all have', async () => {
    const groups = create();
    const first = await groups.join(joinRequest());
    await groups.sync('g', 1, first.memberId, []);
    const secondJoin = groups.join(joinRequest({ clientId: 'other' }));
    assert.equal(groups.heartbeat('g', 1, first.memberId), ErrorCode.REBALANCE_IN_PROGRESS);
    const firstRejoin = await groups.join(joinRequest({ memberId: first.memberId }));
    const second = await secondJoin;
    assert.equal(firstRejoin.generationId, 2);
    assert.equal(second.generationId, 2);
    assert.equal(firstRejoin.members.length, 2);
    assert.deepEqual(second.members, []);
    assert.equal(groups.heartbeat('g', 1, first.memberId), ErrorCode.ILLEGAL_GENERATION);
    const followerSync = groups.sync('g', 2, second.memberId, []);
    await groups.sync('g', 2, first.memberId, [
      { memberId: second.memberId, assignment: Buffer.from('half') },
    ]);
    assert.deepEqual(await followerSync, {
      errorCode: ErrorCode.NONE,
      assignment: Buffer.from('half'),
    });
  });

  it('refuses unknown members, mismatched protocols and session timeouts out of range', async () => {
    const groups = create();
    assert.equal(
      (await groups.join(joinRequest({ memberId: 'nobody' }))).errorCode,
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    await groups.join(joinRequest());
    const other = await groups.join(
      joinRequest({ protocols: [{ name: 'sticky', metadata: Buffer.alloc(0) }] }),
    );
    assert.equal(other.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal(
      (await groups.join(joinRequest({ sessionTimeoutMs: 1 }))).errorCode,
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    assert.equal(groups.heartbeat('g', 1, 'nobody'), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(groups.leave('g', 'nobody'), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('expires a member that stops heartbeating and moves the group to Empty', async () => {
    const groups = create();
    const joined = await groups.join(joinRequest({ sessionTimeoutMs: 30 }));
    await groups.sync('g', 1, joined.memberId, []);
    await eventually(() => groups.group('g')?.state === 'Empty', 'the session to expire');
    assert.equal(groups.group('g')?.members.size, 0);
    assert.equal(groups.heartbeat('g', 1, joined.memberId), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('rejects commits from a stale generation and accepts them from the current one', async () => {
    const groups = create();
    const joined = await groups.join(joinRequest());
    assert.equal(groups.commitCheck('g', 1, joined.memberId), ErrorCode.REBALANCE_IN_PROGRESS);
    await groups.sync('g', 1, joined.memberId, []);
    assert.equal(groups.commitCheck('g', 0, joined.memberId), ErrorCode.ILLEGAL_GENERATION);
    assert.equal(groups.commitCheck('g', 1, joined.memberId), ErrorCode.NONE);
    assert.equal(groups.commitCheck('g', -1, ''), ErrorCode.UNKNOWN_MEMBER_ID);
    groups.commit('g', [{ topic: 't', partition: 0, offset: 7, metadata: null }]);
    assert.deepEqual(groups.committed('g', 't', 0), { offset: 7, metadata: null });
    assert.equal(groups.delete('g'), ErrorCode.NON_EMPTY_GROUP);
    assert.equal(groups.delete('missing'), ErrorCode.GROUP_ID_NOT_FOUND);
  });
  it('waits the initial rebalance delay so members starting together land in one generation', async () => {
    coordinator = new GroupCoordinator({
      initialRebalanceDelayMs: 50,
      minSessionTimeoutMs: 10,
      maxSessionTimeoutMs: 60_000,
    });
    const [first, second] = await Promise.all([
      coordinator.join(joinRequest()),
      coordinator.join(joinRequest({ clientId: 'other' })),
    ]);
    assert.equal(first.generationId, 1);
    assert.equal(second.generationId, 1);
    assert.equal(first.members.length + second.members.length, 2);
  });
});
