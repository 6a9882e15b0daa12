import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { EmbeddedKafka } from '../../../src/embedded/index.js';
import { eventually, kafkaFor, startBroker, uniqueTopic } from './helpers.js';

const KCAT = '/usr/bin/kcat';

function kcat(args: string[], input?: string): Promise<string> {
  if (!existsSync(KCAT)) {
    throw new Error(
      `kcat is not installed at ${KCAT}: install the Debian package "kcat" (apt-get install kcat) to run this test`,
    );
  }
  return new Promise((resolve, reject) => {
    const child = execFile(KCAT, args, { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kcat ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

describe('kcat as a second, independent client', () => {
  let broker: EmbeddedKafka;
  before(async () => {
    broker = await startBroker();
  });
  after(async () => {
    await broker.close();
  });

  it('produces with kcat and consumes with kafkajs', async () => {
    const topic = uniqueTopic('kcat-in');
    await kcat(
      ['-P', '-b', broker.brokers[0], '-t', topic, '-K', ':', '-z', 'gzip'],
      'policy-1:renewed\npolicy-2:lapsed\n',
    );
    const consumer = kafkaFor(broker).consumer({
      groupId: uniqueTopic('g'),
      maxWaitTimeInMs: 50,
      sessionTimeout: 3000,
      heartbeatInterval: 200,
    });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) =>
        void seen.push(`${message.key?.toString()}=${message.value?.toString()}`),
    });
    await eventually(() => seen.length === 2, 'the two records kcat produced');
    assert.deepEqual(seen, ['policy-1=renewed', 'policy-2=lapsed']);
    await consumer.disconnect();
  });

  it('consumes with kcat what kafkajs produced, headers included', async () => {
    const topic = uniqueTopic('kcat-out');
    const producer = kafkaFor(broker).producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: 'c1', value: 'claim opened', headers: { channel: 'sms' } },
        { key: 'c2', value: 'claim paid' },
      ],
    });
    await producer.disconnect();
    const out = await kcat([
      '-C',
      '-b',
      broker.brokers[0],
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%k|%s|%h|%o\\n',
    ]);
    assert.equal(out, 'c1|claim opened|channel=sms|0\nc2|claim paid||1\n');
  });

  it('lists the broker and its topics with kcat -L', async () => {
    const topic = uniqueTopic('kcat-meta');
    const admin = kafkaFor(broker).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    const out = await kcat(['-L', '-b', broker.brokers[0], '-t', topic]);
    assert.match(out, new RegExp(`topic "${topic}" with 3 partitions`));
    assert.match(out, new RegExp(`broker 0 at ${broker.host}:${broker.port}`));
  });
  it('runs a kcat balanced consumer (librdkafka group protocol) that commits and resumes', async () => {
    const topic = uniqueTopic('kcat-group');
    const groupId = uniqueTopic('kcat-g');
    const kafka = kafkaFor(broker);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'one' }, { value: 'two' }] });
    const args = [
      '-b',
      broker.brokers[0],
      '-G',
      groupId,
      topic,
      '-e',
      '-q',
      '-f',
      '%s@%o\\n',
      '-X',
      'auto.offset.reset=earliest',
    ];
    assert.equal(await kcat(args), 'one@0\ntwo@1\n');
    await producer.send({ topic, messages: [{ value: 'three' }] });
    assert.equal(await kcat(args), 'three@2\n');
    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    assert.equal(offsets.partitions[0].offset, '3');
    await admin.disconnect();
    await producer.disconnect();
  });
});
