import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FrequencyCap,
  SinkRedisUnavailableError,
  calendarPeriod,
  validateGuardConfig,
} from '../../../src/sinks/index.js';
import { openRedis, unreachableRedis } from './redis-fixture.js';

const SH = 'Asia/Shanghai';
// 2026-01-09 23:59 and 2026-01-10 00:00 in Shanghai (UTC+8).
const BEFORE_MIDNIGHT = Date.UTC(2026, 0, 9, 15, 59);
const MIDNIGHT = Date.UTC(2026, 0, 9, 16, 0);

function config(prefix: string) {
  return validateGuardConfig({
    keyPrefix: prefix,
    frequencyCaps: {
      total: [{ max: 3, per: 'day' }],
      channels: { sms: [{ max: 1, per: 'week' }] },
    },
  });
}

test('names calendar days and ISO weeks by their start in the customer zone', () => {
  assert.deepEqual(calendarPeriod('day', BEFORE_MIDNIGHT, SH), {
    id: 'd2026-01-09',
    startMs: Date.UTC(2026, 0, 8, 16),
    endMs: MIDNIGHT,
  });
  assert.equal(calendarPeriod('day', MIDNIGHT, SH).id, 'd2026-01-10');
  // 2026-01-11 is a Sunday; the week ends at Monday 00:00 Shanghai.
  assert.deepEqual(calendarPeriod('week', Date.UTC(2026, 0, 11, 15, 59), SH), {
    id: 'w2026-01-05',
    startMs: Date.UTC(2026, 0, 4, 16),
    endMs: Date.UTC(2026, 0, 11, 16),
  });
  assert.equal(calendarPeriod('week', Date.UTC(2026, 0, 11, 16), SH).id, 'w2026-01-12');
  // A DST day in New York is 23 hours long.
  const dst = calendarPeriod('day', Date.UTC(2026, 2, 8, 12), 'America/New_York');
  assert.equal(dst.endMs - dst.startMs, 23 * 3_600_000);
});

test('stops the fourth touch of a Shanghai calendar day and allows it again after local midnight', async () => {
  const f = await openRedis();
  try {
    const caps = new FrequencyCap(f.redis, config(f.prefix));
    for (const channel of ['push', 'wechat', 'push']) {
      assert.deepEqual(
        await caps.checkAndCount('cust-1', channel, BEFORE_MIDNIGHT - 3_600_000, SH),
        { allowed: true },
      );
    }
    const stopped = await caps.checkAndCount('cust-1', 'push', BEFORE_MIDNIGHT, SH);
    assert.equal(stopped.allowed, false);
    assert.ok(
      !stopped.allowed &&
        stopped.scope === 'total' &&
        stopped.count === 3 &&
        /3 per day on all channels/.test(stopped.reason),
    );
    assert.deepEqual(await caps.checkAndCount('cust-1', 'push', MIDNIGHT, SH), { allowed: true });
    assert.deepEqual(await caps.checkAndCount('cust-2', 'push', BEFORE_MIDNIGHT, SH), {
      allowed: true,
    });
  } finally {
    await f.close();
  }
});

test('counts a touch in no counter when any rule stops it', async () => {
  const f = await openRedis();
  try {
    const caps = new FrequencyCap(f.redis, config(f.prefix));
    assert.deepEqual(await caps.checkAndCount('cust-1', 'sms', MIDNIGHT, SH), { allowed: true });
    const second = await caps.checkAndCount('cust-1', 'sms', MIDNIGHT + 1000, SH);
    assert.ok(
      !second.allowed &&
        second.scope === 'ch:sms' &&
        /1 per week on channel sms/.test(second.reason),
    );
    // The refused SMS did not use up the daily total: two more pushes fit, the third does not.
    assert.equal((await caps.checkAndCount('cust-1', 'push', MIDNIGHT + 2000, SH)).allowed, true);
    assert.equal((await caps.checkAndCount('cust-1', 'push', MIDNIGHT + 3000, SH)).allowed, true);
    assert.equal((await caps.checkAndCount('cust-1', 'push', MIDNIGHT + 4000, SH)).allowed, false);
  } finally {
    await f.close();
  }
});

test('lets exactly max of many concurrent touches through', async () => {
  const f = await openRedis();
  try {
    const caps = new FrequencyCap(f.redis, config(f.prefix));
    const results = await Promise.all(
      Array.from({ length: 40 }, () => caps.checkAndCount('cust-1', 'push', MIDNIGHT, SH)),
    );
    assert.equal(results.filter((r) => r.allowed).length, 3);
  } finally {
    await f.close();
  }
});

test('sets counters to expire after their period and takes back a refunded touch', async () => {
  const f = await openRedis();
  try {
    const caps = new FrequencyCap(f.redis, config(f.prefix));
    await caps.checkAndCount('cust-1', 'push', MIDNIGHT, SH);
    const [key] = await f.redis.keys(`${f.prefix}cap:*`);
    const ttl = await f.redis.pttl(key);
    assert.ok(ttl > 86_400_000 - 10_000 && ttl <= 86_400_000 + 3_600_000, `ttl ${ttl}`);
    await caps.refund('cust-1', 'push', MIDNIGHT, SH);
    assert.equal(await f.redis.get(key), '0');
    await caps.checkAndCount('cust-1', 'push', MIDNIGHT, SH, false);
    assert.equal(await f.redis.get(key), '0');
  } finally {
    await f.close();
  }
});

test('throws a retryable error when Redis is not there', async () => {
  const redis = unreachableRedis();
  try {
    const caps = new FrequencyCap(redis, config('x:'));
    await assert.rejects(
      caps.checkAndCount('c', 'sms', MIDNIGHT, SH),
      (e: unknown) => e instanceof SinkRedisUnavailableError && e.retryable,
    );
  } finally {
    redis.disconnect();
  }
});
