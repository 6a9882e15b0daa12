import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import type { EmbeddedKafka } from '../../../src/embedded/index.js';
import { kafkaFor, startBroker, uniqueTopic } from './helpers.js';

/** kafkajs wraps per-topic CreateTopics errors in an aggregate. */
function failedWith(type: string) {
  return (error: unknown): boolean => {
    const errors = (error as { errors?: { type?: string }[] }).errors ?? [];
    return errors.some((e) => e.type === type);
  };
}

describe('topic administration', () => {
  let broker: EmbeddedKafka;
  let admin: Admin;
  before(async () => {
    broker = await startBroker({ defaultPartitions: 2 });
    admin = kafkaFor(broker, { retry: { retries: 0 } }).admin();
    await admin.connect();
  });
  after(async () => {
    await admin.disconnect();
    await broker.close();
  });

  it('creates topics with partitions and configs, and reports them through metadata and DescribeConfigs', async () => {
    const topic = uniqueTopic('rules');
    assert.equal(
      await admin.createTopics({
        topics: [
          {
            topic,
            numPartitions: 4,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
      }),
      true,
    );
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(topics[0].partitions.length, 4);
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topic, configNames: ['cleanup.policy', 'retention.ms'] }],
    });
    const entries = Object.fromEntries(
      described.resources[0].configEntries.map((e) => [e.configName, e.configValue]),
    );
    assert.deepEqual(entries, { 'cleanup.policy': 'compact', 'retention.ms': '604800000' });
    assert.deepEqual(broker.topics().find((t) => t.name === topic)?.configs, {
      'cleanup.policy': 'compact',
    });
  });

  it('keeps every record of a compacted topic (compaction never runs)', async () => {
    const topic = uniqueTopic('compacted');
    await admin.createTopics({
      topics: [
        { topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    });
    const producer = kafkaFor(broker).producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'rule-1', value: 'v1' }] });
    await producer.send({ topic, messages: [{ key: 'rule-1', value: 'v2' }] });
    await producer.disconnect();
    assert.deepEqual(
      broker.records(topic, 0).map((r) => `${r.key?.toString()}=${r.value?.toString()}`),
      ['rule-1=v1', 'rule-1=v2'],
    );
  });

  it('describes the broker resource with the settings it runs with', async () => {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: 4, name: '0', configNames: ['num.partitions', 'auto.create.topics.enable'] },
      ],
    });
    const entries = Object.fromEntries(
      described.resources[0].configEntries.map((e) => [e.configName, e.configValue]),
    );
    assert.deepEqual(entries, { 'num.partitions': '2', 'auto.create.topics.enable': 'true' });
  });

  it('refuses a duplicate topic, a replication factor above 1 and an unknown cleanup policy', async () => {
    const topic = uniqueTopic('dup');
    await admin.createTopics({ topics: [{ topic }] });
    // kafkajs reports TOPIC_ALREADY_EXISTS as `false` rather than an error.
    assert.equal(await admin.createTopics({ topics: [{ topic }] }), false);
    await assert.rejects(
      admin.createTopics({ topics: [{ topic: uniqueTopic('rf'), replicationFactor: 3 }] }),
      failedWith('INVALID_REPLICATION_FACTOR'),
    );
    await assert.rejects(
      admin.createTopics({
        topics: [
          { topic: uniqueTopic('cp'), configEntries: [{ name: 'cleanup.policy', value: 'shred' }] },
        ],
      }),
      failedWith('INVALID_CONFIG'),
    );
  });

  it('uses the broker default partition count for -1 and for auto-created topics', async () => {
    const topic = uniqueTopic('default');
    await admin.createTopics({ topics: [{ topic, numPartitions: -1 }] });
    const producer = kafkaFor(broker).producer();
    await producer.connect();
    const auto = uniqueTopic('auto');
    await producer.send({ topic: auto, messages: [{ value: 'x' }] });
    await producer.disconnect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic, auto] });
    assert.deepEqual(
      topics.map((t) => t.partitions.length),
      [2, 2],
    );
  });

  it('grows a topic with CreatePartitions and refuses to shrink it', async () => {
    const topic = uniqueTopic('grow');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await admin.createPartitions({ topicPartitions: [{ topic, count: 5 }] });
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(topics[0].partitions.length, 5);
    await assert.rejects(admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] }), {
      type: 'INVALID_PARTITIONS',
    });
  });

  it('deletes topics so they disappear from the listing', async () => {
    const topic = uniqueTopic('gone');
    await admin.createTopics({ topics: [{ topic }] });
    assert.ok((await admin.listTopics()).includes(topic));
    await admin.deleteTopics({ topics: [topic] });
    assert.ok(!(await admin.listTopics()).includes(topic));
  });

  it('lists earliest and latest offsets and finds offsets by timestamp', async () => {
    const topic = uniqueTopic('offsets');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = kafkaFor(broker).producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { value: 'a', timestamp: '1000' },
        { value: 'b', timestamp: '2000' },
      ],
    });
    await producer.send({ topic, messages: [{ value: 'c', timestamp: '3000' }] });
    await producer.disconnect();
    assert.deepEqual(await admin.fetchTopicOffsets(topic), [
      { partition: 0, offset: '3', high: '3', low: '0' },
    ]);
    assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp(topic, 1500), [
      { partition: 0, offset: '1' },
    ]);
    assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp(topic, 2500), [
      { partition: 0, offset: '2' },
    ]);
    // Past the last record: kafkajs falls back to the latest offset when the broker answers -1.
    assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp(topic, 9000), [
      { partition: 0, offset: '3' },
    ]);
  });
});

describe('topic auto-creation switched off', () => {
  it('answers metadata for an unknown topic with UNKNOWN_TOPIC_OR_PARTITION instead of creating it', async () => {
    const broker = await startBroker({ autoCreateTopics: false });
    const admin = kafkaFor(broker, { retry: { retries: 0 } }).admin();
    await admin.connect();
    await assert.rejects(
      admin.fetchTopicMetadata({ topics: ['not-there'] }),
      /does not host this topic-partition/,
    );
    assert.deepEqual(broker.topics(), []);
    await admin.disconnect();
    await broker.close();
  });
});
