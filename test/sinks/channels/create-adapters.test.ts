import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CouponAdapter,
  InvalidChannelConfigError,
  KafkaTopicAdapter,
  PushAdapter,
  SmsAdapter,
  WechatAdapter,
  createAdapters,
  validateChannelConfig,
} from '../../../src/sinks/index.js';
import type { TopicProducer } from '../../../src/sinks/index.js';
import { openRedis } from '../guards/redis-fixture.js';

const all = {
  push: { baseUrl: 'https://api.jpush.cn', appKey: 'k', masterSecret: 's', templates: {} },
  wechat: { baseUrl: 'https://api.weixin.qq.com', appId: 'wx', appSecret: 's', templates: {} },
  sms: { url: 'https://sms.example.com', signingSecret: 's', templates: {} },
  coupon: { url: 'https://coupon.example.com', templates: {} },
  kafka: { 'agent-call': { topic: 'agent.calls' }, letter: { topic: 'letters' } },
};

const producer: TopicProducer = { send: async () => [] };

test('builds one adapter per configured channel, keyed by the channel commands carry', async () => {
  const redis = await openRedis();
  try {
    const adapters = createAdapters(validateChannelConfig(all), { redis: redis.redis, producer });
    assert.deepEqual(
      [...adapters.keys()],
      ['push', 'wechat', 'sms', 'coupon', 'agent-call', 'letter'],
    );
    assert.ok(adapters.get('push') instanceof PushAdapter);
    assert.ok(adapters.get('wechat') instanceof WechatAdapter);
    assert.ok(adapters.get('sms') instanceof SmsAdapter);
    assert.ok(adapters.get('coupon') instanceof CouponAdapter);
    assert.ok(adapters.get('letter') instanceof KafkaTopicAdapter);
    for (const [channel, adapter] of adapters) assert.equal(adapter.channel, channel);
  } finally {
    await redis.close();
  }
});

test('builds nothing for channels the config leaves out', () => {
  const adapters = createAdapters(validateChannelConfig({ sms: all.sms }));
  assert.deepEqual([...adapters.keys()], ['sms']);
});

test('refuses WeChat without Redis and Kafka channels without a producer', () => {
  assert.throws(
    () => createAdapters(validateChannelConfig({ wechat: all.wechat })),
    (e: unknown) => e instanceof InvalidChannelConfigError && e.details.path === 'channels.wechat',
  );
  assert.throws(
    () => createAdapters(validateChannelConfig({ kafka: all.kafka })),
    (e: unknown) =>
      e instanceof InvalidChannelConfigError && e.details.path === 'channels.kafka.agent-call',
  );
});
