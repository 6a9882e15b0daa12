import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Consumer, Kafka } from 'kafkajs';
import type { EmbeddedKafka } from '../../../src/embedded/index.js';
import { RawClient, eventually, kafkaFor, startBroker, uniqueTopic } from './helpers.js';

interface Member {
  consumer: Consumer;
  partitions: number[];
  received: string[];
}

/** A consumer whose current assignment is tracked from kafkajs' GROUP_JOIN events. */
async function member(
  kafka: Kafka,
  groupId: string,
  topic: string,
  onMessage?: () => Promise<void>,
): Promise<Member> {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 1000,
    heartbeatInterval: 100,
    maxWaitTimeInMs: 50,
    rebalanceTimeout: 5000,
  });
  const state: Member = { consumer, partitions: [], received: [] };
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    state.partitions = [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      state.received.push(message.value?.toString() ?? '');
      if (onMessage) await onMessage();
    },
  });
  return state;
}

function splits(members: Member[], sizes: number[], partitions = 8): boolean {
  const all = members.flatMap((m) => m.partitions).sort((a, b) => a - b);
  const counts = members.map((m) => m.partitions.length).sort((a, b) => b - a);
  return (
    all.length === partitions &&
    new Set(all).size === partitions &&
    JSON.stringify(counts) === JSON.stringify(sizes)
  );
}

describe('consumer groups', () => {
  let broker: EmbeddedKafka;
  let kafka: Kafka;
  before(async () => {
    broker = await startBroker();
    kafka = kafkaFor(broker);
  });
  after(async () => {
    await broker.close();
  });

  it('splits 8 partitions between members and rebalances on join, leave and a member that stops heartbeating', async () => {
    const topic = uniqueTopic('split');
    const groupId = uniqueTopic('group');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 8 }] });

    const a = await member(kafka, groupId, topic);
    await eventually(() => splits([a], [8]), 'the first member to own all 8 partitions');
    const b = await member(kafka, groupId, topic);
    await eventually(() => splits([a, b], [4, 4]), 'a 4/4 split after the second member joins');
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    const c = await member(kafka, groupId, topic, () => stuck);
    await eventually(
      () => splits([a, b, c], [3, 3, 2]),
      'a 3/3/2 split after the third member joins',
    );

    const described = await admin.describeGroups([groupId]);
    assert.equal(described.groups[0].state, 'Stable');
    assert.equal(described.groups[0].members.length, 3);

    // c blocks in eachMessage, so kafkajs stops heartbeating for it: the broker must expire it.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: c.partitions.map((partition) => ({ value: `for c ${partition}`, partition })),
    });
    await eventually(() => c.received.length > 0, 'c to start processing (and stop heartbeating)');
    await eventually(
      () => splits([a, b], [4, 4]),
      'a 4/4 split after the stuck member misses its session timeout',
    );

    await b.consumer.disconnect();
    await eventually(
      () => splits([a], [8]),
      'the last member to own all 8 partitions after the other leaves',
    );
    release();
    await c.consumer.disconnect();
    await a.consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
  });

  it('resumes from committed offsets without re-delivering consumed records', async () => {
    const topic = uniqueTopic('resume');
    const groupId = uniqueTopic('group');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: ['1', '2', '3', '4', '5'].map((value) => ({ value })) });
    const first = await member(kafka, groupId, topic);
    await eventually(() => first.received.length === 5, 'the first five records');
    await first.consumer.disconnect();

    await producer.send({ topic, messages: ['6', '7', '8'].map((value) => ({ value })) });
    const second = await member(kafka, groupId, topic);
    await eventually(() => second.received.length >= 3, 'the three new records');
    assert.deepEqual(second.received, ['6', '7', '8']);

    const admin = kafka.admin();
    await admin.connect();
    await eventually(async () => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return offsets.partitions[0].offset === '8';
    }, 'the committed offset to reach 8');
    await second.consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
  });

  it('lists, describes and deletes groups, refusing to delete one with members', async () => {
    const topic = uniqueTopic('admin-groups');
    const groupId = uniqueTopic('group');
    const admin = kafka.admin();
    await admin.connect();
    const m = await member(kafka, groupId, topic);
    await eventually(() => m.partitions.length === 1, 'the member to be assigned');
    const { groups } = await admin.listGroups();
    assert.ok(groups.some((g) => g.groupId === groupId && g.protocolType === 'consumer'));
    await assert.rejects(admin.deleteGroups([groupId]));
    await m.consumer.disconnect();
    await eventually(
      async () => (await admin.describeGroups([groupId])).groups[0].state === 'Empty',
      'the group to empty',
    );
    await admin.deleteGroups([groupId]);
    assert.equal((await admin.describeGroups([groupId])).groups[0].state, 'Dead');
    await admin.disconnect();
  });

  it('accepts a commit from outside the group (generation -1) only while the group is empty', async () => {
    const topic = uniqueTopic('outside');
    const groupId = uniqueTopic('group');
    const raw = await RawClient.connect(broker);
    const commit = async (offset: number): Promise<number> => {
      const r = await raw.request(8, 3, (w) => {
        w.string(groupId).int32(-1).string('').int64(-1);
        w.int32(1).string(topic).int32(1).int32(0).int64(offset).nullableString(null);
      });
      r.int32();
      r.int32();
      r.string();
      r.int32();
      r.int32();
      return r.int16();
    };
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic }] });
    assert.equal(await commit(42), 0);
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    assert.equal(offsets.partitions[0].offset, '42');
    const m = await member(kafka, groupId, topic);
    await eventually(() => m.partitions.length === 1, 'the member to be assigned');
    assert.equal(await commit(50), 25);
    await m.consumer.disconnect();
    await admin.disconnect();
    raw.close();
  });
});
