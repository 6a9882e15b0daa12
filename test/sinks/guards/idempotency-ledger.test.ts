import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdempotencyLedger, SinkRedisUnavailableError } from '../../../src/sinks/index.js';
import { openRedis, unreachableRedis } from './redis-fixture.js';

const T0 = Date.UTC(2026, 0, 10, 2, 0);

test('claims a new command once and reports a sent one as a duplicate', async () => {
  const f = await openRedis();
  try {
    const ledger = new IdempotencyLedger(f.redis, {
      keyPrefix: f.prefix,
      leaseMs: 1000,
      sentTtlMs: 60_000,
    });
    assert.equal(await ledger.claim('c1', 'a', T0), 'claimed');
    assert.equal(await ledger.claim('c1', 'b', T0 + 10), 'in-flight-by-other');
    assert.equal(await ledger.markSent('c1', 'a'), 'owned');
    assert.equal(await ledger.claim('c1', 'b', T0 + 10_000), 'duplicate-sent');
    assert.equal(await ledger.claim('c1', 'a', T0 + 10_000), 'duplicate-sent');
  } finally {
    await f.close();
  }
});

test('lets exactly one of many concurrent workers claim a command', async () => {
  const f = await openRedis();
  try {
    const ledger = new IdempotencyLedger(f.redis, {
      keyPrefix: f.prefix,
      leaseMs: 1000,
      sentTtlMs: 60_000,
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => ledger.claim('c1', `w${i}`, T0)),
    );
    assert.equal(results.filter((r) => r === 'claimed').length, 1);
    assert.equal(results.filter((r) => r === 'in-flight-by-other').length, 49);
  } finally {
    await f.close();
  }
});

test('re-claims a command whose lease expired without markSent', async () => {
  const f = await openRedis();
  try {
    const ledger = new IdempotencyLedger(f.redis, {
      keyPrefix: f.prefix,
      leaseMs: 1000,
      sentTtlMs: 60_000,
    });
    assert.equal(await ledger.claim('c1', 'a', T0), 'claimed');
    assert.equal(await ledger.claim('c1', 'b', T0 + 999), 'in-flight-by-other');
    assert.equal(await ledger.claim('c1', 'b', T0 + 1000), 'reclaimed-stale');
    // The first worker finishing late still records the send, so nobody sends a third time.
    assert.equal(await ledger.markSent('c1', 'a'), 'not-owner');
    assert.equal(await ledger.claim('c1', 'c', T0 + 5000), 'duplicate-sent');
  } finally {
    await f.close();
  }
});

test('frees a released claim for an immediate retry, but only for its owner', async () => {
  const f = await openRedis();
  try {
    const ledger = new IdempotencyLedger(f.redis, {
      keyPrefix: f.prefix,
      leaseMs: 60_000,
      sentTtlMs: 60_000,
    });
    await ledger.claim('c1', 'a', T0);
    assert.equal(await ledger.release('c1', 'b'), false);
    assert.equal(await ledger.release('c1', 'a'), true);
    assert.equal(await ledger.claim('c1', 'b', T0 + 1), 'claimed');
  } finally {
    await f.close();
  }
});

test('remembers a suppressed command so a redelivery is not sent', async () => {
  const f = await openRedis();
  try {
    const ledger = new IdempotencyLedger(f.redis, {
      keyPrefix: f.prefix,
      leaseMs: 1000,
      sentTtlMs: 60_000,
    });
    await ledger.claim('c1', 'a', T0);
    await ledger.markSuppressed('c1', 'a');
    assert.equal(await ledger.claim('c1', 'a', T0 + 1), 'duplicate-suppressed');
  } finally {
    await f.close();
  }
});

test('throws a retryable TS_SINK_REDIS_UNAVAILABLE when Redis is not there', async () => {
  const redis = unreachableRedis();
  try {
    const ledger = new IdempotencyLedger(redis, {
      keyPrefix: 'x:',
      leaseMs: 1000,
      sentTtlMs: 60_000,
    });
    await assert.rejects(ledger.claim('c1', 'a', T0), (e: unknown) => {
      assert.ok(e instanceof SinkRedisUnavailableError);
      assert.equal(e.code, 'TS_SINK_REDIS_UNAVAILABLE');
      assert.equal(e.retryable, true);
      return true;
    });
  } finally {
    redis.disconnect();
  }
});
