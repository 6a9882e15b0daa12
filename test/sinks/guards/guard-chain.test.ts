import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GuardChain,
  SinkRedisUnavailableError,
  validateGuardConfig,
  type GuardedCommand,
} from '../../../src/sinks/index.js';
import { openRedis, unreachableRedis, type RedisFixture } from './redis-fixture.js';

// 2026-01-10 10:00 Shanghai
const NOON = Date.UTC(2026, 0, 10, 2);
// 2026-01-10 22:00 Shanghai, inside SMS quiet hours
const NIGHT = Date.UTC(2026, 0, 10, 14);

function chain(f: RedisFixture, clock: { now: number }, owner = 'w1', rateLimits = {}): GuardChain {
  const config = validateGuardConfig({
    keyPrefix: f.prefix,
    idempotency: { leaseMs: 30_000 },
    frequencyCaps: {
      total: [{ max: 3, per: 'day' }],
      channels: { sms: [{ max: 1, per: 'week' }] },
    },
    quietHours: { sms: { from: '21:00', to: '08:00' } },
    rateLimits,
  });
  return new GuardChain(f.redis, { config, owner, clock: () => clock.now });
}

function cmd(
  commandId: string,
  channel = 'push',
  customerId = 'cust-1',
  at = NOON,
): GuardedCommand {
  return { commandId, customerId, channel, at };
}

test('sends a fresh command once and suppresses its redelivery after markSent', async () => {
  const f = await openRedis();
  try {
    const clock = { now: NOON };
    const g = chain(f, clock);
    assert.deepEqual(await g.check(cmd('c1')), { action: 'send' });
    await g.ledger.markSent('c1', 'w1');
    const again = await chain(f, clock, 'w2').check(cmd('c1'));
    assert.equal(again.action, 'suppress');
    assert.ok(again.action === 'suppress' && again.guard === 'idempotency');
  } finally {
    await f.close();
  }
});

test('defers a command another worker holds until that worker lease could end', async () => {
  const f = await openRedis();
  try {
    const clock = { now: NOON };
    await chain(f, clock, 'w1').check(cmd('c1'));
    assert.deepEqual(await chain(f, clock, 'w2').check(cmd('c1')), {
      action: 'defer',
      guard: 'idempotency',
      until: NOON + 30_000,
      reason: 'command c1 is being sent by another worker',
    });
  } finally {
    await f.close();
  }
});

test('suppresses the fourth touch of the day and every redelivery of it', async () => {
  const f = await openRedis();
  try {
    const clock = { now: NOON };
    const g = chain(f, clock);
    const decisions = await g.checkBatch(['a', 'b', 'c', 'd', 'e'].map((id) => cmd(id)));
    assert.deepEqual(
      decisions.map((d) => d.action),
      ['send', 'send', 'send', 'suppress', 'suppress'],
    );
    assert.ok(decisions[3].action === 'suppress' && decisions[3].guard === 'frequency-cap');
    const redelivered = await g.check(cmd('d'));
    assert.ok(redelivered.action === 'suppress' && redelivered.guard === 'idempotency');
  } finally {
    await f.close();
  }
});

test('defers a night SMS to 08:00 without counting it or holding its claim', async () => {
  const f = await openRedis();
  try {
    const clock = { now: NIGHT };
    const g = chain(f, clock);
    const night = await g.check(cmd('s1', 'sms', 'cust-1', NIGHT));
    assert.equal(night.action, 'defer');
    assert.ok(
      night.action === 'defer' &&
        night.guard === 'quiet-hours' &&
        night.until === Date.UTC(2026, 0, 11, 0),
    );
    // Three pushes still fit in the day, so the SMS was not counted.
    const pushes = await g.checkBatch(
      ['p1', 'p2', 'p3'].map((id) => cmd(id, 'push', 'cust-1', NIGHT)),
    );
    assert.deepEqual(
      pushes.map((d) => d.action),
      ['send', 'send', 'send'],
    );
    // When it comes due, another worker may claim it at once and send it (a new Shanghai day).
    clock.now = Date.UTC(2026, 0, 11, 0);
    assert.deepEqual(await chain(f, clock, 'w2').check(cmd('s1', 'sms', 'cust-1', NIGHT)), {
      action: 'send',
    });
  } finally {
    await f.close();
  }
});

test('suppresses by cap before deferring by quiet hours, in the issue order', async () => {
  const f = await openRedis();
  try {
    const clock = { now: NOON };
    const g = chain(f, clock);
    assert.deepEqual(await g.check(cmd('s1', 'sms')), { action: 'send' });
    clock.now = NIGHT;
    const second = await g.check(cmd('s2', 'sms', 'cust-1', NIGHT));
    assert.ok(second.action === 'suppress' && second.guard === 'frequency-cap');
  } finally {
    await f.close();
  }
});

test('defers a rate-limited touch until the next token and gives back its cap count', async () => {
  const f = await openRedis();
  try {
    const clock = { now: NOON };
    const g = chain(f, clock, 'w1', { push: { capacity: 1, refillPerSecond: 1 } });
    const decisions = await g.checkBatch([cmd('a', 'push', 'c1'), cmd('b', 'push', 'c1')]);
    assert.deepEqual(decisions[0], { action: 'send' });
    assert.ok(
      decisions[1].action === 'defer' &&
        decisions[1].guard === 'rate-limit' &&
        decisions[1].until === NOON + 1000,
    );
    clock.now = NOON + 1000;
    assert.deepEqual(await g.check(cmd('b', 'push', 'c1')), { action: 'send' });
    clock.now = NOON + 2000;
    assert.deepEqual(await g.check(cmd('c', 'push', 'c1')), { action: 'send' });
    clock.now = NOON + 3000;
    const fourth = await g.check(cmd('d', 'push', 'c1'));
    assert.ok(fourth.action === 'suppress' && fourth.guard === 'frequency-cap');
  } finally {
    await f.close();
  }
});

test('decides a concurrent burst for one customer with exactly three sends', async () => {
  const f = await openRedis();
  try {
    const clock = { now: NOON };
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => chain(f, clock, `w${i}`).check(cmd(`c${i}`))),
    );
    assert.equal(results.filter((r) => r.action === 'send').length, 3);
  } finally {
    await f.close();
  }
});

test('throws a retryable TS_SINK_REDIS_UNAVAILABLE instead of deciding when Redis is not there', async () => {
  const redis = unreachableRedis();
  try {
    const g = new GuardChain(redis, {
      config: validateGuardConfig({}),
      owner: 'w1',
      clock: () => NOON,
    });
    await assert.rejects(g.checkBatch([cmd('a'), cmd('b')]), (e: unknown) => {
      assert.ok(e instanceof SinkRedisUnavailableError);
      assert.equal(e.code, 'TS_SINK_REDIS_UNAVAILABLE');
      assert.equal(e.retryable, true);
      return true;
    });
  } finally {
    redis.disconnect();
  }
});

test('rejects a command with an unknown time zone before touching Redis', async () => {
  const redis = unreachableRedis();
  try {
    const g = new GuardChain(redis, {
      config: validateGuardConfig({}),
      owner: 'w1',
      clock: () => NOON,
    });
    await assert.rejects(g.check({ ...cmd('a'), timeZone: 'Nowhere/Land' }), {
      code: 'TS_SINK_INVALID_GUARD_INPUT',
    });
  } finally {
    redis.disconnect();
  }
});

test('runs its scripts by SHA1 and keeps working after Redis forgets them (SCRIPT FLUSH, a restart)', async () => {
  const f = await openRedis();
  try {
    const clock = { now: NOON };
    const g = chain(f, clock, 'w1', { push: { capacity: 10, refillPerSecond: 1 } });
    const first = await g.checkBatch([cmd('c1'), cmd('c2', 'push', 'cust-2')]);
    assert.deepEqual(first, [{ action: 'send' }, { action: 'send' }]);
    await f.redis.script('FLUSH');
    // Pipelined claims, caps and rate limits, then a single mark: each falls back to loading its script.
    const second = await g.checkBatch([cmd('c3', 'push', 'cust-3'), cmd('c1')]);
    assert.equal(second[0].action, 'send');
    assert.equal(second[1].action, 'send', 'w1 may claim its own unfinished command again');
    assert.equal(await g.ledger.markSent('c3', 'w1'), 'owned');
    const cached = (await f.redis.script('EXISTS', ...(await loadedShas(f)))) as number[];
    // Claim, caps, rate limit and mark ran after the flush and are cached again (other tests on
    // this Redis may have loaded the rest meanwhile).
    assert.ok(
      cached.filter((flag) => flag === 1).length >= 4,
      'the scripts that ran are cached again',
    );
  } finally {
    await f.close();
  }
});

/** The SHA1s of the scripts Redis now runs for the guards (what EVALSHA names them by). */
async function loadedShas(f: RedisFixture): Promise<string[]> {
  const { createHash } = await import('node:crypto');
  const scripts = (f.redis as unknown as { scriptsSet: Record<string, { lua: string }> })
    .scriptsSet;
  return Object.values(scripts).map((script) =>
    createHash('sha1').update(script.lua).digest('hex'),
  );
}
