import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CompressionTypes } from 'kafkajs';
import { eventually, kafkaFor, startBroker, uniqueTopic } from './helpers.js';

describe('persistence in a data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'touchstream-broker-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps topics, configs, records and committed offsets across a restart', async () => {
    const topic = uniqueTopic('durable');
    const groupId = uniqueTopic('group');
    let broker = await startBroker({ dataDir });
    let kafka = kafkaFor(broker);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic, numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: 'a', value: 'one', partition: 0 },
        { key: 'b', value: 'two', partition: 1 },
      ],
    });
    await producer.send({
      topic,
      compression: CompressionTypes.GZIP,
      messages: [{ key: 'c', value: 'three', partition: 0 }],
    });
    await producer.disconnect();
    const consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: 50,
      sessionTimeout: 3000,
      heartbeatInterval: 200,
    });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? ''),
    });
    await eventually(() => seen.length === 3, 'three records before the restart');
    await consumer.disconnect();
    await broker.close();

    // A torn write at the tail of a log (process killed mid-append) must be dropped, not fatal.
    appendFileSync(
      join(dataDir, 'logs', topic, '0.log'),
      Buffer.from([0, 0, 0, 0, 0, 0, 0, 9, 0, 0]),
    );

    broker = await startBroker({ dataDir, port: 0 });
    kafka = kafkaFor(broker);
    assert.deepEqual(
      broker.topics().find((t) => t.name === topic),
      { name: topic, partitions: 2, configs: { 'cleanup.policy': 'compact' } },
    );
    assert.deepEqual(broker.offsets(topic, 0), {
      logStartOffset: 0,
      highWatermark: 2,
      lastStableOffset: 2,
    });
    assert.deepEqual(
      broker.records(topic, 0).map((r) => r.value?.toString()),
      ['one', 'three'],
    );
    // The offsets file is compacted on start: one line per committed partition.
    const lines = readFileSync(join(dataDir, 'offsets.jsonl'), 'utf8').split('\n').filter(Boolean);
    assert.deepEqual(lines.map((line) => (JSON.parse(line) as { p: number }).p).sort(), [0, 1]);

    const producer2 = kafka.producer();
    await producer2.connect();
    await producer2.send({ topic, messages: [{ key: 'd', value: 'four', partition: 0 }] });
    await producer2.disconnect();
    const resumed = kafka.consumer({
      groupId,
      maxWaitTimeInMs: 50,
      sessionTimeout: 3000,
      heartbeatInterval: 200,
    });
    const after: string[] = [];
    await resumed.connect();
    await resumed.subscribe({ topic, fromBeginning: true });
    await resumed.run({
      eachMessage: async ({ message }) => void after.push(message.value?.toString() ?? ''),
    });
    await eventually(() => after.length >= 1, 'the record produced after the restart');
    assert.deepEqual(after, ['four']);
    await resumed.disconnect();
    await broker.close();
  });

  it('aborts a transaction left open when the broker stopped', async () => {
    const topic = uniqueTopic('dangling');
    let broker = await startBroker({ dataDir });
    const producer = kafkaFor(broker).producer({
      transactionalId: uniqueTopic('tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic, messages: [{ value: 'never committed' }] });
    await broker.close();
    await producer.disconnect().catch(() => undefined);

    broker = await startBroker({ dataDir });
    assert.deepEqual(broker.offsets(topic, 0), {
      logStartOffset: 0,
      highWatermark: 2,
      lastStableOffset: 2,
    });
    assert.deepEqual(
      broker.records(topic, 0).map((r) => (r.isControl ? 'abort marker' : r.value?.toString())),
      ['never committed', 'abort marker'],
    );
    await broker.close();
  });

  it('removes a deleted topic from disk', async () => {
    const topic = uniqueTopic('deleted');
    const broker = await startBroker({ dataDir });
    const admin = kafkaFor(broker).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic }] });
    assert.ok(readdirSync(join(dataDir, 'logs')).includes(topic));
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    assert.ok(!readdirSync(join(dataDir, 'logs')).includes(topic));
    await broker.close();
  });
});
