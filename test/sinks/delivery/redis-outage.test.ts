import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, waitFor } from '../../runtime/kafka/support/wait.js';
import { DeliveryHarness, command } from './support/delivery-harness.js';
import { RecordingAdapter } from './support/recording-adapter.js';
import { RedisProcess } from './support/redis-process.js';

const GUARDS = { frequencyCaps: { total: [{ max: 100, per: 'day' as const }] } };

function counts(ids: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of ids) out.set(id, (out.get(id) ?? 0) + 1);
  return out;
}

test('waits while Redis is down, sends nothing unguarded, and delivers everything once it is back', async (t) => {
  const redis = await RedisProcess.start();
  const h = await DeliveryHarness.start();
  t.after(async () => {
    await h.close();
    await redis.stop();
  });
  const push = new RecordingAdapter('push');
  await h.startDelivery({ adapters: [push], guards: GUARDS, redisUrl: redis.url });
  const before = Array.from({ length: 20 }, () => command());
  await h.produce(before);
  await waitFor(async () => (await h.committed()).reduce((a, b) => a + b, 0) === 20, {
    timeoutMs: 20_000,
    what: 'the first 20 commands delivered and committed',
  });
  const committedBefore = await h.committed();

  await redis.stop();
  const during = Array.from({ length: 20 }, () => command());
  await h.produce(during);
  await waitFor(() => h.logs.some((l) => l.message.startsWith('redis unavailable')), {
    timeoutMs: 10_000,
    what: 'the batch to wait for Redis',
  });
  await sleep(1_500);
  assert.equal(push.sent.length, 20, 'nothing is sent while the guards cannot be asked');
  assert.deepEqual(await h.committed(), committedBefore, 'the waiting batch is not committed');
  assert.equal(h.feedback().length, 20);

  await redis.restart();
  await waitFor(async () => (await h.committed()).reduce((a, b) => a + b, 0) === 40, {
    timeoutMs: 30_000,
    what: 'the waiting batch delivered after Redis came back',
  });
  const sent = counts(push.sentIds());
  for (const c of [...before, ...during]) assert.equal(sent.get(c.commandId), 1, c.commandId);
  assert.equal(push.sent.length, 40);
  const statuses = counts(h.feedback().map((f) => `${f.commandId}:${f.status}`));
  for (const c of during) assert.equal(statuses.get(`${c.commandId}:sent`), 1);
  assert.match(
    await h.metrics.render(),
    /touchstream_delivery_redis_unavailable_waits_total [1-9]/,
  );
});

test('does not send a touch again when Redis goes down between its send and its markSent', async (t) => {
  const redis = await RedisProcess.start();
  const h = await DeliveryHarness.start({ partitions: 1 });
  t.after(async () => {
    await h.close();
    await redis.stop();
  });
  let stopped: Promise<void> | undefined;
  let outage: Promise<void> | undefined;
  const push = new RecordingAdapter('push', async () => {
    // The first send takes Redis down with it: the claim cannot be finished until it is back.
    if (stopped === undefined) {
      stopped = redis.stop();
      outage = stopped.then(async () => {
        await sleep(1_500);
        await redis.restart();
      });
    }
    await stopped;
    return { status: 'sent', attempts: 1 };
  });
  await h.startDelivery({ adapters: [push], guards: GUARDS, redisUrl: redis.url });
  const batch = [command(), command(), command()];
  await h.produce(batch);
  await waitFor(async () => (await h.committed())[0] === 3, {
    timeoutMs: 30_000,
    what: 'the batch committed after the outage',
  });
  await outage;
  assert.ok(
    h.logs.some((l) => l.message.startsWith('redis unavailable')),
    'the batch waited',
  );
  assert.deepEqual(
    push.sentIds(),
    batch.map((c) => c.commandId),
  );
  assert.deepEqual(
    h.feedback().map((f) => [f.commandId, f.status]),
    batch.map((c) => [c.commandId, 'sent']),
  );
  // The ledger (on the restarted, empty Redis) knows them as sent: a redelivery is suppressed.
  await h.produce([batch[0]]);
  await waitFor(async () => (await h.committed())[0] === 4, {
    timeoutMs: 20_000,
    what: 'the redelivery',
  });
  assert.equal(push.sent.length, 3);
  assert.equal(h.feedback()[3].guard, 'idempotency');
});
