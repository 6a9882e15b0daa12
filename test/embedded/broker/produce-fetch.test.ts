import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompressionTypes } from 'kafkajs';
import type { EmbeddedKafka } from '../../../src/embedded/index.js';
import { encodeRecordBatch } from '../../../src/embedded/index.js';
import type { Reader, Writer } from '../../../src/embedded/broker/protocol/index.js';
import { RawClient, eventually, kafkaFor, startBroker, uniqueTopic } from './helpers.js';

const PRODUCE = 0;
const FETCH = 1;
const METADATA = 3;

function produceBody(topic: string, partition: number, batch: Buffer, acks = -1) {
  return (w: Writer) => {
    w.nullableString(null).int16(acks).int32(5000);
    w.int32(1).string(topic).int32(1).int32(partition).bytes(batch);
  };
}

function readProduce(r: Reader): { errorCode: number; baseOffset: number } {
  r.int32();
  r.string();
  r.int32();
  r.int32();
  return { errorCode: r.int16(), baseOffset: r.int64() };
}

function fetchBody(topic: string, offset: number, maxWaitMs: number, minBytes = 1) {
  return (w: Writer) => {
    w.int32(-1)
      .int32(maxWaitMs)
      .int32(minBytes)
      .int32(1 << 20)
      .int8(0);
    w.int32(1)
      .string(topic)
      .int32(1)
      .int32(0)
      .int64(offset)
      .int32(1 << 20);
  };
}

function readFetch(r: Reader): { errorCode: number; highWatermark: number; recordBytes: number } {
  r.int32();
  r.int32();
  r.string();
  r.int32();
  r.int32();
  const errorCode = r.int16();
  const highWatermark = r.int64();
  r.int64();
  r.array((a) => [a.int64(), a.int64()]);
  const recordBytes = r.int32();
  return { errorCode, highWatermark, recordBytes };
}

describe('produce and fetch', () => {
  let broker: EmbeddedKafka;
  before(async () => {
    broker = await startBroker();
  });
  after(async () => {
    await broker.close();
  });

  it('delivers records with keys, headers and gzip to a kafkajs consumer', async () => {
    const topic = uniqueTopic('pf');
    const kafka = kafkaFor(broker);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [{ key: 'k1', value: 'plain', headers: { source: 'claims' } }],
    });
    await producer.send({
      topic,
      compression: CompressionTypes.GZIP,
      messages: [
        { key: 'k2', value: 'zipped' },
        { key: 'k3', value: 'zipped too' },
      ],
    });
    const consumer = kafka.consumer({
      groupId: uniqueTopic('g'),
      sessionTimeout: 3000,
      heartbeatInterval: 300,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(
          `${message.offset}:${message.key?.toString()}=${message.value?.toString()}|${message.headers?.source?.toString() ?? ''}`,
        );
      },
    });
    await eventually(() => seen.length === 3, 'three records');
    assert.deepEqual(seen, ['0:k1=plain|claims', '1:k2=zipped|', '2:k3=zipped too|']);
    await consumer.disconnect();
    await producer.disconnect();
  });

  it('stores acks=0 sends without answering and answers acks=1 with the base offset', async () => {
    const topic = uniqueTopic('acks');
    const producer = kafkaFor(broker).producer();
    await producer.connect();
    await producer.send({ topic, acks: 0, messages: [{ value: 'fire and forget' }] });
    const [result] = await producer.send({ topic, acks: 1, messages: [{ value: 'acknowledged' }] });
    assert.equal(result.baseOffset, '1');
    assert.deepEqual(
      broker.records(topic, 0).map((r) => r.value?.toString()),
      ['fire and forget', 'acknowledged'],
    );
    await producer.disconnect();
  });

  it('answers a retried idempotent batch with its first offset instead of appending it twice', async () => {
    const topic = uniqueTopic('idem');
    const admin = kafkaFor(broker).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic }] });
    await admin.disconnect();
    const raw = await RawClient.connect(broker);
    const batch = (seq: number, value: string) =>
      encodeRecordBatch([{ value: Buffer.from(value) }], {
        producerId: 4242,
        producerEpoch: 0,
        baseSequence: seq,
      });
    assert.deepEqual(
      readProduce(await raw.request(PRODUCE, 3, produceBody(topic, 0, batch(0, 'a')))),
      { errorCode: 0, baseOffset: 0 },
    );
    assert.deepEqual(
      readProduce(await raw.request(PRODUCE, 3, produceBody(topic, 0, batch(1, 'b')))),
      { errorCode: 0, baseOffset: 1 },
    );
    assert.deepEqual(
      readProduce(await raw.request(PRODUCE, 3, produceBody(topic, 0, batch(1, 'b')))),
      { errorCode: 0, baseOffset: 1 },
    );
    assert.equal(
      readProduce(await raw.request(PRODUCE, 3, produceBody(topic, 0, batch(5, 'gap')))).errorCode,
      45,
    );
    assert.deepEqual(
      broker.records(topic, 0).map((r) => r.value?.toString()),
      ['a', 'b'],
    );
    raw.close();
  });

  it('sends through a kafkajs idempotent producer', async () => {
    const topic = uniqueTopic('idem-kafkajs');
    const producer = kafkaFor(broker).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 3; i++) await producer.send({ topic, messages: [{ value: `m${i}` }] });
    assert.deepEqual(
      broker.records(topic, 0).map((r) => r.value?.toString()),
      ['m0', 'm1', 'm2'],
    );
    await producer.disconnect();
  });

  it('parks an idle fetch until a record arrives and keeps responses in request order', async () => {
    const topic = uniqueTopic('longpoll');
    const raw = await RawClient.connect(broker);
    const order: string[] = [];
    await raw.request(METADATA, 4, (w) => w.int32(1).string(topic).boolean(true));
    const fetched = raw.request(FETCH, 4, fetchBody(topic, 0, 60_000)).then((r) => {
      order.push('fetch');
      return readFetch(r);
    });
    const metadata = raw
      .request(METADATA, 4, (w) => w.int32(1).string(topic).boolean(true))
      .then(() => order.push('metadata'));
    const producer = kafkaFor(broker).producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'wake up' }] });
    const result = await fetched;
    await metadata;
    assert.equal(result.errorCode, 0);
    assert.equal(result.highWatermark, 1);
    assert.ok(result.recordBytes > 0);
    assert.deepEqual(order, ['fetch', 'metadata']);
    await producer.disconnect();
    raw.close();
  });

  it('answers a fetch with no data once max_wait_time passes', async () => {
    const topic = uniqueTopic('empty');
    const raw = await RawClient.connect(broker);
    await raw.request(METADATA, 4, (w) => w.int32(1).string(topic).boolean(true));
    const result = readFetch(await raw.request(FETCH, 4, fetchBody(topic, 0, 20)));
    assert.deepEqual(result, { errorCode: 0, highWatermark: 0, recordBytes: 0 });
    assert.equal(readFetch(await raw.request(FETCH, 4, fetchBody(topic, 5, 20))).errorCode, 1);
    raw.close();
  });

  it('returns what it has when max_wait_time passes before min_bytes is reached', async () => {
    const topic = uniqueTopic('minbytes');
    const producer = kafkaFor(broker).producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'small' }] });
    await producer.disconnect();
    const raw = await RawClient.connect(broker);
    const result = readFetch(await raw.request(FETCH, 4, fetchBody(topic, 0, 30, 1 << 20)));
    assert.equal(result.errorCode, 0);
    assert.ok(result.recordBytes > 0);
    raw.close();
  });

  it('refuses produce to a topic that does not exist', async () => {
    const raw = await RawClient.connect(broker);
    const result = readProduce(
      await raw.request(
        PRODUCE,
        3,
        produceBody('no-such-topic', 0, encodeRecordBatch([{ value: Buffer.from('x') }])),
      ),
    );
    assert.equal(result.errorCode, 3);
    raw.close();
  });
});
