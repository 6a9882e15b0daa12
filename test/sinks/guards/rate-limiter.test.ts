import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter, SinkRedisUnavailableError } from '../../../src/sinks/index.js';
import { openRedis, unreachableRedis } from './redis-fixture.js';

const T0 = Date.UTC(2026, 0, 10);
const limits = { sms: { capacity: 5, refillPerSecond: 2 } };

test('grants a full bucket, then says when the next token arrives', async () => {
  const f = await openRedis();
  try {
    const rl = new RateLimiter(f.redis, { keyPrefix: f.prefix, rateLimits: limits });
    for (let i = 0; i < 5; i++)
      assert.deepEqual(await rl.take('sms', 1, T0), { granted: true, retryAfterMs: 0 });
    assert.deepEqual(await rl.take('sms', 1, T0), { granted: false, retryAfterMs: 500 });
    assert.deepEqual(await rl.take('sms', 1, T0 + 499), { granted: false, retryAfterMs: 1 });
    assert.deepEqual(await rl.take('sms', 1, T0 + 500), { granted: true, retryAfterMs: 0 });
    // Refill stops at capacity.
    for (let i = 0; i < 5; i++) assert.equal((await rl.take('sms', 1, T0 + 60_000)).granted, true);
    assert.equal((await rl.take('sms', 1, T0 + 60_000)).granted, false);
  } finally {
    await f.close();
  }
});

test('shares one bucket between instances under concurrent takes', async () => {
  const f = await openRedis();
  try {
    const a = new RateLimiter(f.redis, { keyPrefix: f.prefix, rateLimits: limits });
    const b = new RateLimiter(f.redis, { keyPrefix: f.prefix, rateLimits: limits });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).take('sms', 1, T0)),
    );
    assert.equal(results.filter((r) => r.granted).length, 5);
  } finally {
    await f.close();
  }
});

test('refills nothing for a caller whose clock is behind', async () => {
  const f = await openRedis();
  try {
    const rl = new RateLimiter(f.redis, { keyPrefix: f.prefix, rateLimits: limits });
    for (let i = 0; i < 5; i++) await rl.take('sms', 1, T0 + 10_000);
    assert.equal((await rl.take('sms', 1, T0)).granted, false);
  } finally {
    await f.close();
  }
});

test('always grants a channel with no limit, without Redis', async () => {
  const redis = unreachableRedis();
  try {
    const rl = new RateLimiter(redis, { keyPrefix: 'x:', rateLimits: limits });
    assert.deepEqual(await rl.take('push', 1, T0), { granted: true, retryAfterMs: 0 });
    await assert.rejects(
      rl.take('sms', 1, T0),
      (e: unknown) => e instanceof SinkRedisUnavailableError && e.retryable,
    );
    assert.throws(() => rl.evalArgs('sms', 6, T0), { code: 'TS_SINK_INVALID_GUARD_INPUT' });
  } finally {
    redis.disconnect();
  }
});
