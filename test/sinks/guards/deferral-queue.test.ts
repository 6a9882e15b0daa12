import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeferralQueue, SinkRedisUnavailableError } from '../../../src/sinks/index.js';
import { openRedis, unreachableRedis } from './redis-fixture.js';

interface Cmd {
  commandId: string;
  channel: string;
}

const T0 = Date.UTC(2026, 0, 10);

test('hands out only entries that are due, earliest first', async () => {
  const f = await openRedis();
  try {
    const q = new DeferralQueue<Cmd>(f.redis, { keyPrefix: f.prefix });
    await q.defer({ commandId: 'b', channel: 'sms' }, T0 + 200);
    await q.defer({ commandId: 'a', channel: 'sms' }, T0 + 100);
    await q.defer({ commandId: 'c', channel: 'sms' }, T0 + 300);
    assert.deepEqual(await q.takeDue(T0 + 50, 10), []);
    assert.deepEqual(
      (await q.takeDue(T0 + 200, 10)).map((c) => c.commandId),
      ['a', 'b'],
    );
    assert.deepEqual(await q.takeDue(T0 + 200, 10), []);
  } finally {
    await f.close();
  }
});

test('gives each due entry to one of several concurrent workers', async () => {
  const f = await openRedis();
  try {
    const q = new DeferralQueue<Cmd>(f.redis, { keyPrefix: f.prefix });
    for (let i = 0; i < 30; i++) await q.defer({ commandId: `c${i}`, channel: 'sms' }, T0);
    const taken = (await Promise.all(Array.from({ length: 8 }, () => q.takeDue(T0, 5))))
      .flat()
      .map((c) => c.commandId);
    assert.equal(taken.length, 30);
    assert.equal(new Set(taken).size, 30);
  } finally {
    await f.close();
  }
});

test('hands an entry out again when its worker did not ack before the lease ran out', async () => {
  const f = await openRedis();
  try {
    const q = new DeferralQueue<Cmd>(f.redis, { keyPrefix: f.prefix, leaseMs: 1000 });
    await q.defer({ commandId: 'a', channel: 'sms' }, T0);
    await q.defer({ commandId: 'b', channel: 'sms' }, T0);
    assert.equal((await q.takeDue(T0, 10)).length, 2);
    await q.ack('a');
    assert.deepEqual(await q.takeDue(T0 + 999, 10), []);
    assert.deepEqual(await q.takeDue(T0 + 1000, 10), [{ commandId: 'b', channel: 'sms' }]);
    await q.ack('b');
    assert.equal(await q.size(), 0);
  } finally {
    await f.close();
  }
});

test('keeps one entry per command, at its latest time', async () => {
  const f = await openRedis();
  try {
    const q = new DeferralQueue<Cmd>(f.redis, { keyPrefix: f.prefix });
    await q.defer({ commandId: 'a', channel: 'sms' }, T0);
    await q.defer({ commandId: 'a', channel: 'push' }, T0 + 500);
    assert.equal(await q.size(), 1);
    assert.deepEqual(await q.takeDue(T0, 10), []);
    assert.deepEqual(await q.takeDue(T0 + 500, 10), [{ commandId: 'a', channel: 'push' }]);
  } finally {
    await f.close();
  }
});

test('throws a retryable error when Redis is not there', async () => {
  const redis = unreachableRedis();
  try {
    const q = new DeferralQueue<Cmd>(redis, { keyPrefix: 'x:' });
    await assert.rejects(
      q.defer({ commandId: 'a', channel: 'sms' }, T0),
      (e: unknown) => e instanceof SinkRedisUnavailableError && e.retryable,
    );
  } finally {
    redis.disconnect();
  }
});
