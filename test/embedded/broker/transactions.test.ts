import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kafka } from 'kafkajs';
import type { EmbeddedKafka } from '../../../src/embedded/index.js';
import { RawClient, eventually, kafkaFor, startBroker, uniqueTopic } from './helpers.js';

const LIST_OFFSETS = 2;

/** Reads a whole topic (one consumer, fresh group) until `count` records arrived. */
async function readAll(
  kafka: Kafka,
  topic: string,
  count: number,
  readUncommitted = false,
): Promise<string[]> {
  const consumer = kafka.consumer({
    groupId: uniqueTopic('reader'),
    readUncommitted,
    maxWaitTimeInMs: 50,
    sessionTimeout: 3000,
    heartbeatInterval: 200,
  });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      values.push(message.value?.toString() ?? '');
    },
  });
  await eventually(() => values.length >= count, `${count} records from ${topic}`);
  await consumer.disconnect();
  return values;
}

async function latestOffset(
  broker: EmbeddedKafka,
  topic: string,
  readCommitted: boolean,
): Promise<number> {
  const raw = await RawClient.connect(broker);
  const r = await raw.request(LIST_OFFSETS, 2, (w) => {
    w.int32(-1)
      .int8(readCommitted ? 1 : 0)
      .int32(1)
      .string(topic)
      .int32(1)
      .int32(0)
      .int64(-1);
  });
  r.int32();
  r.int32();
  r.string();
  r.int32();
  r.int32();
  r.int16();
  r.int64();
  const offset = r.int64();
  raw.close();
  return offset;
}

describe('transactions', () => {
  let broker: EmbeddedKafka;
  let kafka: Kafka;
  before(async () => {
    broker = await startBroker({ transactionTimeoutMaxMs: 120_000 });
    kafka = kafkaFor(broker);
  });
  after(async () => {
    await broker.close();
  });

  it('hides an aborted transaction from read_committed consumers, holding them at the last stable offset meanwhile', async () => {
    const topic = uniqueTopic('txn');
    const producer = kafka.producer({
      transactionalId: uniqueTopic('tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'plain' }] });

    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ value: 'aborted 1' }, { value: 'aborted 2' }] });
    assert.equal(await latestOffset(broker, topic, false), 3);
    assert.equal(await latestOffset(broker, topic, true), 1);
    await aborted.abort();
    assert.equal(await latestOffset(broker, topic, true), 4);

    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ value: 'committed' }] });
    await committed.commit();
    await producer.disconnect();

    assert.deepEqual(await readAll(kafka, topic, 2), ['plain', 'committed']);
    assert.deepEqual(await readAll(kafka, topic, 4, true), [
      'plain',
      'aborted 1',
      'aborted 2',
      'committed',
    ]);
    const markers = broker
      .records(topic, 0)
      .filter((r) => r.isControl)
      .map((r) => r.key?.readInt16BE(2));
    assert.deepEqual(markers, [0, 1]);
  });

  it('keeps interleaved transactions of two producers apart: only the aborted one disappears', async () => {
    const topic = uniqueTopic('interleaved');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic }] });
    await admin.disconnect();
    const first = kafka.producer({
      transactionalId: uniqueTopic('p1'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    const second = kafka.producer({
      transactionalId: uniqueTopic('p2'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await first.connect();
    await second.connect();
    const t1 = await first.transaction();
    const t2 = await second.transaction();
    await t1.send({ topic, messages: [{ value: 'keep 1' }] });
    await t2.send({ topic, messages: [{ value: 'drop 1' }] });
    await t1.send({ topic, messages: [{ value: 'keep 2' }] });
    await t2.send({ topic, messages: [{ value: 'drop 2' }] });
    assert.equal(await latestOffset(broker, topic, true), 0);
    await t1.commit();
    // The committed transaction's records still sit behind the other's first offset.
    assert.equal(await latestOffset(broker, topic, true), 1);
    await t2.abort();
    assert.equal(await latestOffset(broker, topic, true), 6);
    assert.deepEqual(await readAll(kafka, topic, 2), ['keep 1', 'keep 2']);
    await first.disconnect();
    await second.disconnect();
  });

  it('commits offsets sent in a transaction only when it commits', async () => {
    const topic = uniqueTopic('txn-offsets');
    const groupId = uniqueTopic('txn-group');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic }] });
    const committedOffset = async () =>
      (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions[0].offset;
    const producer = kafka.producer({
      transactionalId: uniqueTopic('tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const aborted = await producer.transaction();
    await aborted.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic, partitions: [{ partition: 0, offset: '5' }] }],
    });
    assert.equal(await committedOffset(), '-1');
    await aborted.abort();
    assert.equal(await committedOffset(), '-1');
    const committed = await producer.transaction();
    await committed.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic, partitions: [{ partition: 0, offset: '7' }] }],
    });
    await committed.commit();
    assert.equal(await committedOffset(), '7');
    await producer.disconnect();
    await admin.disconnect();
  });

  it('runs an exactly-once consume-transform-produce loop whose offsets commit with its output', async () => {
    const input = uniqueTopic('eos-in');
    const output = uniqueTopic('eos-out');
    const groupId = uniqueTopic('eos-group');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: input }, { topic: output }] });
    const seed = kafka.producer();
    await seed.connect();
    await seed.send({ topic: input, messages: ['a', 'b', 'c', 'd'].map((value) => ({ value })) });

    const producer = kafka.producer({
      transactionalId: uniqueTopic('eos'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: 50,
      sessionTimeout: 3000,
      heartbeatInterval: 200,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: input, fromBeginning: true });
    let processed = 0;
    let abortNext = true;
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const txn = await producer.transaction();
        await txn.send({
          topic: output,
          messages: [{ value: message.value?.toString().toUpperCase() ?? '' }],
        });
        await txn.sendOffsets({
          consumerGroupId: groupId,
          topics: [
            { topic, partitions: [{ partition, offset: String(Number(message.offset) + 1) }] },
          ],
        });
        if (message.value?.toString() === 'b' && abortNext) {
          // The first attempt at "b" aborts: its output and its offset commit vanish together.
          abortNext = false;
          await txn.abort();
          consumer.seek({ topic, partition, offset: message.offset });
          return;
        }
        await txn.commit();
        processed++;
      },
    });
    await eventually(() => processed === 4, 'four committed transactions');
    await consumer.disconnect();

    assert.deepEqual(await readAll(kafka, output, 4), ['A', 'B', 'C', 'D']);
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [input] });
    assert.equal(offsets.partitions[0].offset, '4');
    await producer.disconnect();
    await seed.disconnect();
    await admin.disconnect();
  });

  it('fences a zombie producer once a new instance initialises the same transactional id', async () => {
    const topic = uniqueTopic('zombie');
    const transactionalId = uniqueTopic('zombie-tx');
    const zombie = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 1, initialRetryTime: 50 },
    });
    await zombie.connect();
    const zombieTxn = await zombie.transaction();
    await zombieTxn.send({ topic, messages: [{ value: 'from the zombie' }] });

    const successor = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    await successor.connect();
    // kafkajs sends InitProducerId on the first transaction(): that bumps the epoch and aborts the zombie's.
    const txn = await successor.transaction();
    await assert.rejects(zombieTxn.send({ topic, messages: [{ value: 'zombie again' }] }), {
      type: 'INVALID_PRODUCER_EPOCH',
    });
    await assert.rejects(zombieTxn.commit(), { type: 'INVALID_PRODUCER_EPOCH' });

    await txn.send({ topic, messages: [{ value: 'from the successor' }] });
    await txn.commit();
    assert.deepEqual(await readAll(kafka, topic, 1), ['from the successor']);
    await successor.disconnect();
    await zombie.disconnect();
  });

  it('aborts a transaction that outlives its timeout and fences its producer', async () => {
    const topic = uniqueTopic('timeout');
    const producer = kafka.producer({
      transactionalId: uniqueTopic('slow'),
      transactionTimeout: 200,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 1, initialRetryTime: 50 },
    });
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic, messages: [{ value: 'too slow' }] });
    await eventually(
      () => broker.offsets(topic, 0)?.lastStableOffset === broker.offsets(topic, 0)?.highWatermark,
      'the coordinator to abort the transaction',
    );
    await assert.rejects(txn.commit(), { type: 'INVALID_PRODUCER_EPOCH' });
    assert.deepEqual(
      broker
        .records(topic, 0)
        .map((r) => (r.isControl ? `marker ${r.key?.readInt16BE(2)}` : r.value?.toString())),
      ['too slow', 'marker 0'],
    );
    await producer.disconnect();
  });

  it('refuses a transaction timeout above the broker maximum', async () => {
    const producer = kafka.producer({
      transactionalId: uniqueTopic('long'),
      transactionTimeout: 200_000,
      retry: { retries: 1, initialRetryTime: 50 },
    });
    await producer.connect();
    await assert.rejects(producer.transaction(), { type: 'INVALID_TRANSACTION_TIMEOUT' });
    await producer.disconnect();
  });
});
