import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { RedisCommandRecords } from '../../../src/sinks/index.js';
import { openRedis } from '../guards/redis-fixture.js';
import type { RedisFixture } from '../guards/redis-fixture.js';

let redis: RedisFixture;
before(async () => {
  redis = await openRedis();
});
after(async () => {
  await redis.close();
});

test('reads back what was remembered, by command id and by provider message id, in order', async () => {
  const records = new RedisCommandRecords({ redis: redis.redis, keyPrefix: `${redis.prefix}a:` });
  await records.remember([
    {
      commandId: 'vip:care:CN:42:5',
      customerId: 'CN:42',
      trigger: 'vip:care',
      channel: 'wechat',
      at: 5,
      providerMessageId: 'm-1',
    },
    { commandId: 'r:C2:6', customerId: 'C2', trigger: 'r', channel: 'sms', at: 6 },
  ]);
  assert.deepEqual(await records.getMany(['r:C2:6', 'unknown:x:1', 'vip:care:CN:42:5']), [
    { customerId: 'C2', trigger: 'r', channel: 'sms', at: 6 },
    undefined,
    { customerId: 'CN:42', trigger: 'vip:care', channel: 'wechat', at: 5 },
  ]);
  assert.deepEqual(await records.commandsOfMessages('wechat', ['m-2', 'm-1']), [
    undefined,
    'vip:care:CN:42:5',
  ]);
  assert.deepEqual(await records.commandsOfMessages('push', ['m-1']), [undefined]);
});

test('records expire after their time to live', async () => {
  const records = new RedisCommandRecords({
    redis: redis.redis,
    keyPrefix: `${redis.prefix}b:`,
    ttlMs: 60_000,
  });
  await records.remember([
    {
      commandId: 'r:C1:1',
      customerId: 'C1',
      trigger: 'r',
      channel: 'push',
      at: 1,
      providerMessageId: 'p',
    },
  ]);
  const ttl = await redis.redis.pttl(`${redis.prefix}b:cmd:r:C1:1`);
  assert.ok(ttl > 0 && ttl <= 60_000, String(ttl));
  const messageTtl = await redis.redis.pttl(`${redis.prefix}b:msg:push:p`);
  assert.ok(messageTtl > 0 && messageTtl <= 60_000, String(messageTtl));
});

test('refuses a record without a customer, naming the field', async () => {
  const records = new RedisCommandRecords({ redis: redis.redis, keyPrefix: `${redis.prefix}c:` });
  await assert.rejects(
    records.remember([
      { commandId: 'r:C1:1', customerId: '', trigger: 'r', channel: 'push', at: 1 },
    ]),
    { code: 'TS_SINK_FEEDBACK_RECORD_INVALID', message: /customerId/ },
  );
});
