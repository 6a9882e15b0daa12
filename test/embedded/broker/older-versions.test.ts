import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EmbeddedKafka } from '../../../src/embedded/index.js';
import { RawClient, startBroker } from './helpers.js';

// The lower versions exist because ApiVersions ranges must include what librdkafka's feature
// checks ask for (FindCoordinator v0, JoinGroup v0, OffsetFetch v1, ...); clients that pick them
// must get the right shapes.
describe('older API versions', () => {
  let broker: EmbeddedKafka;
  let raw: RawClient;
  before(async () => {
    broker = await startBroker();
    raw = await RawClient.connect(broker);
  });
  after(async () => {
    raw.close();
    await broker.close();
  });

  it('answers FindCoordinator v0 without throttle time or message', async () => {
    const r = await raw.request(10, 0, (w) => w.string('group'));
    assert.deepEqual(
      [r.int16(), r.int32(), r.string(), r.int32(), r.remaining()],
      [0, 0, broker.host, broker.port, 0],
    );
  });

  it('runs a group through JoinGroup v0, SyncGroup v0, Heartbeat v0, OffsetCommit v2, OffsetFetch v1 and LeaveGroup v0', async () => {
    const join = await raw.request(11, 0, (w) => {
      w.string('old-group')
        .int32(5000)
        .string('')
        .string('consumer')
        .int32(1)
        .string('range')
        .bytes(Buffer.from('meta'));
    });
    assert.equal(join.int16(), 0);
    const generation = join.int32();
    assert.equal(join.string(), 'range');
    const leader = join.string();
    const memberId = join.string();
    assert.equal(leader, memberId);
    assert.deepEqual(
      join.array((m) => [m.string(), m.bytes().toString()]),
      [[memberId, 'meta']],
    );

    const sync = await raw.request(14, 0, (w) => {
      w.string('old-group')
        .int32(generation)
        .string(memberId)
        .int32(1)
        .string(memberId)
        .bytes(Buffer.from('mine'));
    });
    assert.deepEqual([sync.int16(), sync.bytes().toString(), sync.remaining()], [0, 'mine', 0]);

    const heartbeat = await raw.request(12, 0, (w) =>
      w.string('old-group').int32(generation).string(memberId),
    );
    assert.deepEqual([heartbeat.int16(), heartbeat.remaining()], [0, 0]);

    const commit = await raw.request(8, 2, (w) => {
      w.string('old-group').int32(generation).string(memberId).int64(-1);
      w.int32(1).string('t').int32(1).int32(0).int64(17).nullableString('meta');
    });
    assert.deepEqual(
      [
        commit.int32(),
        commit.string(),
        commit.int32(),
        commit.int32(),
        commit.int16(),
        commit.remaining(),
      ],
      [1, 't', 1, 0, 0, 0],
    );

    const fetched = await raw.request(9, 1, (w) =>
      w.string('old-group').int32(1).string('t').int32(1).int32(0),
    );
    assert.deepEqual(
      [
        fetched.int32(),
        fetched.string(),
        fetched.int32(),
        fetched.int32(),
        fetched.int64(),
        fetched.nullableString(),
        fetched.int16(),
        fetched.remaining(),
      ],
      [1, 't', 1, 0, 17, 'meta', 0, 0],
    );

    const leave = await raw.request(13, 0, (w) => w.string('old-group').string(memberId));
    assert.deepEqual([leave.int16(), leave.remaining()], [0, 0]);
    assert.equal(broker.topics().length, 0);
  });

  it('answers ListOffsets v1 from the high watermark', async () => {
    await raw.request(3, 4, (w) => w.int32(1).string('lo').boolean(true));
    const r = await raw.request(2, 1, (w) =>
      w.int32(-1).int32(1).string('lo').int32(1).int32(0).int64(-1),
    );
    assert.deepEqual(
      [r.int32(), r.string(), r.int32(), r.int32(), r.int16(), r.int64(), r.int64(), r.remaining()],
      [1, 'lo', 1, 0, 0, -1, 0, 0],
    );
  });
});
