import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Admin, Producer } from 'kafkajs';
import { buildApiApp } from '../../src/api/index.js';
import type { ApiApp, CallbackChannelAuth } from '../../src/api/index.js';
import { startEmbeddedKafka } from '../../src/embedded/index.js';
import type { EmbeddedKafka } from '../../src/embedded/index.js';
import { createKafkaClient, ensureTopics } from '../../src/io/index.js';
import { CallbackIngest, RedisCommandRecords, jsonDeliveryCodecs } from '../../src/sinks/index.js';
import type { CommandRecordLookup } from '../../src/sinks/index.js';
import { openRedis, unreachableRedis } from '../sinks/guards/redis-fixture.js';
import type { RedisFixture } from '../sinks/guards/redis-fixture.js';

const NOW = Date.UTC(2026, 0, 5, 2);
const PARTITIONS = 2;
const CHANNELS: Record<string, CallbackChannelAuth> = {
  sms: { secret: 'sms-shared-secret' },
  push: { secret: 'jpush-master-secret', user: 'jpush-app-key' },
  wechat: { secret: 'wechat-token' },
};

let broker: EmbeddedKafka;
let admin: Admin;
let producer: Producer;
let redis: RedisFixture;

before(async () => {
  broker = await startEmbeddedKafka({ port: 0, autoCreateTopics: false });
  const kafka = createKafkaClient({ brokers: broker.brokers, clientId: 'callbacks-test' });
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({ idempotent: true, retry: { retries: 1 } });
  await producer.connect();
  redis = await openRedis();
});

after(async () => {
  await producer.disconnect();
  await admin.disconnect();
  await broker.close();
  await redis.close();
});

interface Setup {
  api: ApiApp;
  topic: string;
  records: RedisCommandRecords;
  /** Feedback records on the topic, every partition. */
  feedback(): Record<string, unknown>[];
}

async function setup(
  options: { records?: CommandRecordLookup; topic?: string } = {},
): Promise<Setup> {
  const topic = options.topic ?? `feedback-${randomUUID()}`;
  if (options.topic === undefined) await ensureTopics(admin, [{ topic, partitions: PARTITIONS }]);
  const records = new RedisCommandRecords({ redis: redis.redis, keyPrefix: redis.prefix });
  const codecs = jsonDeliveryCodecs();
  const ingest = new CallbackIngest({
    producer,
    topic,
    encode: (feedback) => codecs.encodeFeedback(feedback),
    records: options.records ?? records,
    knownTriggers: () => ['claim:care'],
    clock: () => NOW,
  });
  const api = await buildApiApp({
    callbacks: { port: ingest, channels: CHANNELS, clock: () => NOW },
  });
  return {
    api,
    topic,
    records,
    feedback: () =>
      Array.from({ length: PARTITIONS }, (_, p) => broker.records(topic, p))
        .flat()
        .filter((r) => !r.isControl)
        .map((r) => ({
          key: r.key?.toString(),
          ...(JSON.parse(r.value!.toString()) as Record<string, unknown>),
        })),
  };
}

function signed(body: unknown, secret = CHANNELS.sms.secret, timestamp = NOW) {
  const payload = JSON.stringify(body);
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return {
    payload,
    headers: {
      'content-type': 'application/json',
      'x-touchstream-timestamp': String(timestamp),
      'x-touchstream-signature': signature,
    },
  };
}

interface SignedRequest {
  payload: string;
  headers: Record<string, string>;
}

async function postReceipts(
  api: ApiApp,
  body: unknown,
  sign: SignedRequest = signed(body),
  channel = 'sms',
) {
  return api.app.inject({
    method: 'POST',
    url: `/callbacks/${channel}`,
    headers: sign.headers,
    payload: sign.payload,
  });
}

test('signed receipts become feedback records on the feedback topic, keyed by customer', async () => {
  const s = await setup();
  const body = [
    { commandId: 'renewal-reminder:C1:1767571200000', status: 'delivered', at: NOW - 5_000 },
    { commandId: 'renewal-reminder:C2:1767571200000', status: 'clicked' },
  ];
  const res = await postReceipts(s.api, body);
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { accepted: 2, unresolved: [] });
  const feedback = s.feedback().sort((a, b) => String(a.key).localeCompare(String(b.key)));
  assert.deepEqual(feedback, [
    {
      key: 'C1',
      commandId: 'renewal-reminder:C1:1767571200000',
      customerId: 'C1',
      trigger: 'renewal-reminder',
      channel: 'sms',
      status: 'delivered',
      reason: null,
      guard: null,
      until: null,
      at: NOW - 5_000,
    },
    {
      key: 'C2',
      commandId: 'renewal-reminder:C2:1767571200000',
      customerId: 'C2',
      trigger: 'renewal-reminder',
      channel: 'sms',
      status: 'clicked',
      reason: null,
      guard: null,
      until: null,
      at: NOW,
    },
  ]);
});

test('a bad body is a 400 naming the field, once the signature passes', async () => {
  const s = await setup();
  const cases: [unknown, string][] = [
    [[{ commandId: 'renewal-reminder:C1:1' }], 'body.0.status'],
    [
      [
        { commandId: 'renewal-reminder:C1:1', status: 'delivered' },
        { commandId: 'x:y:2', status: 'opened' },
      ],
      'body.1.status',
    ],
    [[{ commandId: 'no-instant', status: 'delivered' }], 'body.0.commandId'],
    [[{ commandId: 'renewal-reminder:C1:1', status: 'clicked', at: 'yesterday' }], 'body.0.at'],
    [[], 'body'],
  ];
  for (const [body, field] of cases) {
    const res = await postReceipts(s.api, body);
    assert.equal(res.statusCode, 400, JSON.stringify(body));
    assert.equal(res.json().field, field);
    assert.match(res.json().message, new RegExp(`^${field.replaceAll('.', '\\.')}`));
  }
  const notJson = '{"commandId":';
  const timestamp = String(NOW);
  const headers = {
    'content-type': 'application/json',
    'x-touchstream-timestamp': timestamp,
    'x-touchstream-signature': createHmac('sha256', CHANNELS.sms.secret)
      .update(`${timestamp}.${notJson}`)
      .digest('hex'),
  };
  const res = await s.api.app.inject({
    method: 'POST',
    url: '/callbacks/sms',
    headers,
    payload: notJson,
  });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().field, 'body');
  assert.match(res.json().message, /^body is not valid JSON/);
  const unsigned = await s.api.app.inject({
    method: 'POST',
    url: '/callbacks/sms',
    headers: { 'content-type': 'application/json' },
    payload: notJson,
  });
  assert.equal(unsigned.statusCode, 401);
  assert.deepEqual(s.feedback(), []);
});

test('a missing, wrong or stale signature is a 401, before the body is looked at', async () => {
  const s = await setup();
  const body = [{ commandId: 'renewal-reminder:C1:1', status: 'delivered' }];
  const unsigned = {
    payload: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  };
  const wrongSecret = signed(body, 'another-secret');
  const stale = signed(body, CHANNELS.sms.secret, NOW - 10 * 60_000);
  const tampered = {
    ...signed(body),
    payload: JSON.stringify([{ ...body[0], status: 'clicked' }]),
  };
  for (const attempt of [unsigned, wrongSecret, stale, tampered]) {
    const res = await postReceipts(s.api, body, attempt);
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error, 'TS_API_UNAUTHORIZED');
  }
  const badAndUnsigned = await postReceipts(s.api, [{}], unsigned);
  assert.equal(badAndUnsigned.statusCode, 401);
  assert.deepEqual(s.feedback(), []);
});

test('a channel without configured callbacks is a 404', async () => {
  const s = await setup();
  const res = await postReceipts(
    s.api,
    [{ commandId: 'a:b:1', status: 'delivered' }],
    undefined,
    'coupon',
  );
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error, 'TS_API_NOT_FOUND');
});

test('the callback routes are in the OpenAPI document, open to providers (no bearer token)', async () => {
  const s = await setup();
  const doc = (await s.api.app.inject({ url: '/docs/json' })).json();
  for (const [path, method] of [
    ['/callbacks/{channel}', 'post'],
    ['/callbacks/{channel}/jpush', 'post'],
    ['/callbacks/{channel}/jpush', 'get'],
    ['/callbacks/{channel}/wechat', 'post'],
    ['/callbacks/{channel}/wechat', 'get'],
  ]) {
    const operation = doc.paths[path]?.[method];
    assert.ok(operation, `${method} ${path}`);
    assert.equal(operation.security, undefined);
  }
  assert.equal(
    doc.paths['/callbacks/{channel}'].post.requestBody.content['application/json'].schema.type,
    'array',
  );
});

test('a command id that does not split is placed by its command record, or reported unresolved', async () => {
  const s = await setup();
  await s.records.remember([
    {
      commandId: 'vip:care:CN:42:1767571200000',
      customerId: 'CN:42',
      trigger: 'vip:care',
      channel: 'sms',
      at: 1767571200000,
    },
  ]);
  const body = [
    { commandId: 'vip:care:CN:42:1767571200000', status: 'delivered' },
    { commandId: 'other:x:CN:43:1767571200000', status: 'delivered' },
    // Not recorded, but one known trigger id fits it.
    { commandId: 'claim:care:CN:44:1767571200000', status: 'clicked' },
  ];
  const res = await postReceipts(s.api, body);
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().accepted, 2);
  assert.deepEqual(
    res.json().unresolved.map((u: { index: number; id: string }) => [u.index, u.id]),
    [[1, 'other:x:CN:43:1767571200000']],
  );
  assert.deepEqual(
    s
      .feedback()
      .map((f) => [f.key, f.trigger, f.customerId, f.status])
      .sort(),
    [
      ['CN:42', 'vip:care', 'CN:42', 'delivered'],
      ['CN:44', 'claim:care', 'CN:44', 'clicked'],
    ],
  );
});

test("JPush's callback: Basic auth, delivered, not delivered and clicked; other types ignored", async () => {
  const s = await setup();
  await s.records.remember([
    {
      commandId: 'r:C9:1',
      customerId: 'C9',
      trigger: 'r',
      channel: 'push',
      at: 1,
      providerMessageId: '7001',
    },
  ]);
  const basic = `Basic ${Buffer.from('jpush-app-key:jpush-master-secret').toString('base64')}`;
  const body = [
    { type: 4, msgid: '7000', params: { commandId: 'r:C1:1' }, time: 1767578400 },
    { type: 6, msgid: 7000, params: { commandId: 'r:C1:1' } },
    { type: 5, msgid: '7001' },
    { type: 2, msgid: '7002' },
  ];
  const res = await s.api.app.inject({
    method: 'POST',
    url: '/callbacks/push/jpush',
    headers: { authorization: basic },
    payload: body,
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { accepted: 3, ignored: 1, unresolved: [] });
  assert.deepEqual(
    s
      .feedback()
      .map((f) => [f.customerId, f.status, f.at, f.reason])
      .sort(),
    [
      ['C1', 'clicked', NOW, null],
      ['C1', 'delivered', 1767578400000, null],
      ['C9', 'failed', NOW, 'JPush: not delivered'],
    ],
  );
  const missing = await s.api.app.inject({
    method: 'POST',
    url: '/callbacks/push/jpush',
    headers: { authorization: basic },
    payload: [{ type: 4 }],
  });
  assert.equal(missing.statusCode, 400);
  assert.equal(missing.json().field, 'body.0.params.commandId');
  const wrong = await s.api.app.inject({
    method: 'POST',
    url: '/callbacks/push/jpush',
    headers: { authorization: `Basic ${Buffer.from('jpush-app-key:guess').toString('base64')}` },
    payload: body,
  });
  assert.equal(wrong.statusCode, 401);
  const check = await s.api.app.inject({
    url: '/callbacks/push/jpush?echostr=abc123',
    headers: { authorization: basic },
  });
  assert.equal(check.statusCode, 200);
  assert.equal(check.body, 'abc123');
});

function wechatQuery(token: string, timestamp = Math.floor(NOW / 1000), nonce = 'n0nce') {
  const signature = createHash('sha1')
    .update([token, String(timestamp), nonce].sort().join(''))
    .digest('hex');
  return `signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&openid=o1`;
}

test("WeChat's template-send-finished event, as XML, is placed through the recorded msgid", async () => {
  const s = await setup();
  await s.records.remember([
    {
      commandId: 'r:W1:1',
      customerId: 'W1',
      trigger: 'r',
      channel: 'wechat',
      at: 1,
      providerMessageId: '200163836',
    },
  ]);
  const xml = `<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName>
<FromUserName><![CDATA[oia2TjuEGTNoeX76QEjQNrcURxG8]]></FromUserName>
<CreateTime>1767578400</CreateTime><MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID>
<Status><![CDATA[success]]></Status></xml>`;
  const res = await s.api.app.inject({
    method: 'POST',
    url: `/callbacks/wechat/wechat?${wechatQuery(CHANNELS.wechat.secret)}`,
    headers: { 'content-type': 'text/xml' },
    payload: xml,
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.body, 'success');
  assert.deepEqual(
    s.feedback().map((f) => [f.commandId, f.customerId, f.channel, f.status, f.at]),
    [['r:W1:1', 'W1', 'wechat', 'delivered', 1767578400000]],
  );
  const forged = await s.api.app.inject({
    method: 'POST',
    url: `/callbacks/wechat/wechat?${wechatQuery('not-the-token')}`,
    headers: { 'content-type': 'text/xml' },
    payload: xml,
  });
  assert.equal(forged.statusCode, 401);
  const json = await s.api.app.inject({
    method: 'POST',
    url: `/callbacks/wechat/wechat?${wechatQuery(CHANNELS.wechat.secret)}`,
    payload: { MsgType: 'event', Event: 'TEMPLATESENDJOBFINISH', Status: 'success' },
  });
  assert.equal(json.statusCode, 400);
  assert.equal(json.json().field, 'body.MsgID');
  const check = await s.api.app.inject({
    url: `/callbacks/wechat/wechat?${wechatQuery(CHANNELS.wechat.secret)}&echostr=e42`,
  });
  assert.equal(check.body, 'e42');
});

test('receipts wait for Redis when only a record can place them, and Kafka answers 503 when it refuses', async () => {
  const unreachable = unreachableRedis();
  unreachable.on('error', () => undefined);
  const down = new RedisCommandRecords({ redis: unreachable, keyPrefix: 'x:' });
  const s = await setup({ records: down });
  // Splits on its own: accepted with the records unreachable.
  const plain = await postReceipts(s.api, [{ commandId: 'r:C1:1', status: 'delivered' }]);
  assert.equal(plain.statusCode, 200, plain.body);
  const ambiguous = await postReceipts(s.api, [{ commandId: 'r:x:C1:1', status: 'delivered' }]);
  assert.equal(ambiguous.statusCode, 503);
  assert.equal(ambiguous.json().error, 'TS_API_CALLBACK_UNAVAILABLE');
  assert.equal(ambiguous.headers['retry-after'], '5');
  assert.equal(s.feedback().length, 1);

  const missingTopic = await setup({ topic: `missing-${randomUUID()}` });
  const refused = await postReceipts(missingTopic.api, [
    { commandId: 'r:C1:1', status: 'delivered' },
  ]);
  assert.equal(refused.statusCode, 503, refused.body);
  assert.match(refused.json().message, /send them again/);
});
