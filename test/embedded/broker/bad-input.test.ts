import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EmbeddedKafka } from '../../../src/embedded/index.js';
import { encodeRecordBatch } from '../../../src/embedded/index.js';
import { Writer } from '../../../src/embedded/broker/protocol/index.js';
import { RawClient, eventually, kafkaFor, startBroker, uniqueTopic } from './helpers.js';

const MAX_REQUEST_BYTES = 64 * 1024;

function frame(
  apiKey: number,
  apiVersion: number,
  body: (w: Writer) => void,
  correlationId = 1,
): Buffer {
  const w = new Writer();
  w.int32(0).int16(apiKey).int16(apiVersion).int32(correlationId).string('fuzz');
  body(w);
  const out = w.toBuffer();
  out.writeInt32BE(out.length - 4, 0);
  return out;
}

/** A small deterministic PRNG so a failing fuzz case can be replayed. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

describe('bad input', () => {
  let broker: EmbeddedKafka;
  const errors: string[] = [];
  before(async () => {
    broker = await startBroker({
      maxRequestBytes: MAX_REQUEST_BYTES,
      logger: (level, msg, fields) => {
        if (level === 'error') errors.push(`${msg} ${JSON.stringify(fields)}`);
      },
    });
  });
  after(async () => {
    await broker.close();
  });

  async function expectClosed(bytes: Buffer): Promise<void> {
    const raw = await RawClient.connect(broker);
    raw.writeRaw(bytes);
    await raw.whenClosed();
  }

  it('closes the connection on a frame above maxRequestBytes, a negative size or a size too small for a header', async () => {
    const oversize = Buffer.alloc(8);
    oversize.writeInt32BE(MAX_REQUEST_BYTES + 1, 0);
    await expectClosed(oversize);
    await expectClosed(Buffer.from([0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0]));
    await expectClosed(Buffer.from([0, 0, 0, 3, 0, 3, 0]));
  });

  it('closes the connection on an unknown API key and on an unsupported version of a known API', async () => {
    await expectClosed(frame(999, 0, () => undefined));
    await expectClosed(frame(3, 99, (w) => w.int32(-1).boolean(true)));
  });

  it('answers an ApiVersions version it does not know with UNSUPPORTED_VERSION and its own ranges', async () => {
    const raw = await RawClient.connect(broker);
    const r = await raw.request(18, 9, () => undefined);
    assert.equal(r.int16(), 35);
    const ranges = r.array((a) => ({ apiKey: a.int16(), min: a.int16(), max: a.int16() }));
    assert.deepEqual(
      ranges.find((x) => x.apiKey === 18),
      { apiKey: 18, min: 0, max: 2 },
    );
    assert.deepEqual(
      ranges.find((x) => x.apiKey === 0),
      { apiKey: 0, min: 3, max: 3 },
    );
    raw.close();
  });

  it('closes the connection on a truncated request body', async () => {
    await expectClosed(frame(3, 4, (w) => w.int32(5).string('only-one')));
    const full = frame(0, 3, (w) => {
      w.nullableString(null)
        .int16(-1)
        .int32(1000)
        .int32(1)
        .string('t')
        .int32(1)
        .int32(0)
        .bytes(encodeRecordBatch([{ value: Buffer.from('v') }]));
    });
    const cut = full.subarray(0, full.length - 10);
    cut.writeInt32BE(cut.length - 4, 0);
    await expectClosed(cut);
  });

  it('answers a corrupt or old-format record batch with the Kafka error code, keeping the connection', async () => {
    const topic = uniqueTopic('corrupt');
    const raw = await RawClient.connect(broker);
    await raw.request(3, 4, (w) => w.int32(1).string(topic).boolean(true));
    const produce = async (batch: Buffer): Promise<number> => {
      const r = await raw.request(0, 3, (w) => {
        w.nullableString(null)
          .int16(1)
          .int32(1000)
          .int32(1)
          .string(topic)
          .int32(1)
          .int32(0)
          .bytes(batch);
      });
      r.int32();
      r.string();
      r.int32();
      r.int32();
      return r.int16();
    };
    const badCrc = encodeRecordBatch([{ value: Buffer.from('value') }]);
    badCrc[badCrc.length - 1] ^= 1;
    assert.equal(await produce(badCrc), 2);
    const oldMagic = encodeRecordBatch([{ value: Buffer.from('value') }]);
    oldMagic.writeInt8(1, 16);
    assert.equal(await produce(oldMagic), 43);
    assert.equal(await produce(Buffer.from('not a batch at all')), 2);
    assert.equal(broker.offsets(topic, 0)?.highWatermark, 0);
    raw.close();
  });

  it('survives every truncation and random corruption of valid requests, then still serves kafkajs', async () => {
    const random = prng(20261125);
    const batch = encodeRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v') }]);
    const samples = [
      frame(0, 3, (w) =>
        w
          .nullableString(null)
          .int16(-1)
          .int32(1000)
          .int32(1)
          .string('fuzz')
          .int32(1)
          .int32(0)
          .bytes(batch),
      ),
      frame(1, 4, (w) =>
        w
          .int32(-1)
          .int32(10)
          .int32(1)
          .int32(1000)
          .int8(1)
          .int32(1)
          .string('fuzz')
          .int32(1)
          .int32(0)
          .int64(0)
          .int32(1000),
      ),
      frame(3, 4, (w) => w.int32(2).string('fuzz').string('other').boolean(true)),
      frame(11, 2, (w) =>
        w
          .string('g')
          .int32(1000)
          .int32(1000)
          .string('')
          .string('consumer')
          .int32(1)
          .string('rr')
          .bytes(Buffer.alloc(4)),
      ),
      frame(19, 2, (w) =>
        w
          .int32(1)
          .string('fuzz-created')
          .int32(2)
          .int16(1)
          .int32(0)
          .int32(1)
          .string('cleanup.policy')
          .string('compact')
          .int32(100)
          .boolean(true),
      ),
      frame(22, 0, (w) => w.nullableString('tx').int32(60000)),
      frame(32, 1, (w) => w.int32(1).int8(2).string('fuzz').int32(-1).boolean(false)),
      frame(14, 1, (w) =>
        w.string('g').int32(1).string('m').int32(1).string('m').bytes(Buffer.alloc(8)),
      ),
      frame(8, 3, (w) =>
        w
          .string('g')
          .int32(-1)
          .string('')
          .int64(-1)
          .int32(1)
          .string('fuzz')
          .int32(1)
          .int32(0)
          .int64(3)
          .nullableString(null),
      ),
      frame(9, 3, (w) => w.string('g').int32(1).string('fuzz').int32(2).int32(0).int32(1)),
      frame(24, 0, (w) =>
        w.string('tx').int64(1000).int16(0).int32(1).string('fuzz').int32(1).int32(0),
      ),
      frame(28, 0, (w) =>
        w
          .string('tx')
          .string('g')
          .int64(1000)
          .int16(0)
          .int32(1)
          .string('fuzz')
          .int32(1)
          .int32(0)
          .int64(1)
          .nullableString('m'),
      ),
      frame(26, 0, (w) => w.string('tx').int64(1000).int16(0).boolean(true)),
      frame(37, 0, (w) => w.int32(1).string('fuzz').int32(3).int32(-1).int32(100).boolean(true)),
      frame(2, 2, (w) => w.int32(-1).int8(1).int32(1).string('fuzz').int32(1).int32(0).int64(-2)),
    ];
    const cases: Buffer[] = [];
    for (const sample of samples) {
      for (let cut = 5; cut < sample.length; cut += 3) {
        const truncated = Buffer.from(sample.subarray(0, cut));
        truncated.writeInt32BE(cut - 4, 0);
        cases.push(truncated);
      }
      for (let i = 0; i < 40; i++) {
        const mutated = Buffer.from(sample);
        const flips = 1 + Math.floor(random() * 4);
        for (let f = 0; f < flips; f++)
          mutated[12 + Math.floor(random() * (mutated.length - 12))] = Math.floor(random() * 256);
        cases.push(mutated);
      }
    }
    for (const bytes of cases) {
      const raw = await RawClient.connect(broker);
      raw.writeRaw(bytes);
      // Follow with a valid ApiVersions: it is answered, or the connection closes, or (when the
      // mutated request was a long poll or a JoinGroup that now waits) we stop waiting for it.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        raw.request(18, 2, () => undefined).catch(() => undefined),
        new Promise((resolve) => {
          timer = setTimeout(resolve, 50);
        }),
      ]);
      clearTimeout(timer);
      raw.close();
    }
    assert.deepEqual(errors, []);

    const topic = uniqueTopic('after-fuzz');
    const kafka = kafkaFor(broker);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'still alive' }] });
    const consumer = kafka.consumer({
      groupId: uniqueTopic('g'),
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
    await eventually(() => seen.length === 1, 'the record produced after the fuzzing');
    assert.deepEqual(seen, ['still alive']);
    await consumer.disconnect();
    await producer.disconnect();
  });
});
