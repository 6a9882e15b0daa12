import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, waitFor } from '../../runtime/kafka/support/wait.js';
import { DeliveryHarness, MORNING, NIGHT, NOON, command } from './support/delivery-harness.js';
import { RecordingAdapter } from './support/recording-adapter.js';

async function queued(h: DeliveryHarness): Promise<number> {
  return h.redis.redis.zcard(`${h.redis.prefix}deferred`);
}

test('defers an SMS to the end of quiet hours and sends it when the window ends', async (t) => {
  const h = await DeliveryHarness.start();
  t.after(() => h.close());
  const clock = { now: NIGHT };
  const sms = new RecordingAdapter('sms');
  await h.startDelivery({
    adapters: [sms],
    guards: { quietHours: { sms: { from: '21:00', to: '08:00' } } },
    clock: () => clock.now,
  });
  const night = command({ channel: 'sms', at: NIGHT });
  await h.produce([night]);
  await waitFor(() => h.feedbackOf(night.commandId).length === 1, {
    timeoutMs: 20_000,
    what: 'the deferral feedback',
  });
  assert.deepEqual(h.feedbackOf(night.commandId)[0], {
    commandId: night.commandId,
    customerId: night.customerId,
    trigger: night.trigger,
    channel: 'sms',
    status: 'deferred',
    reason: 'quiet hours 21:00-08:00 (Asia/Shanghai) on sms',
    guard: 'quiet-hours',
    until: MORNING,
    at: NIGHT,
  });
  assert.equal(await queued(h), 1);

  clock.now = MORNING - 60_000;
  await sleep(500);
  assert.equal(sms.sent.length, 0, 'nothing is sent a minute before the window ends');

  clock.now = MORNING;
  await waitFor(() => h.feedbackOf(night.commandId).length === 2, {
    timeoutMs: 10_000,
    what: 'the deferred SMS to be sent',
  });
  assert.deepEqual(sms.sentIds(), [night.commandId]);
  const [, sent] = h.feedbackOf(night.commandId);
  assert.deepEqual([sent.status, sent.at], ['sent', MORNING]);
  await waitFor(async () => (await queued(h)) === 0, {
    timeoutMs: 5_000,
    what: 'the entry to be acked',
  });
});

test('sends a touch deferred by an open circuit when its retry time comes, its cap count given back', async (t) => {
  const h = await DeliveryHarness.start();
  t.after(() => h.close());
  const clock = { now: NOON };
  const coupon = new RecordingAdapter('coupon', (_command, attempt) =>
    attempt === 1
      ? {
          status: 'failed',
          code: 'TS_SINK_CIRCUIT_OPEN',
          reason: 'circuit open',
          retryable: true,
          attempts: 0,
          retryAt: NOON + 30_000,
        }
      : { status: 'sent', attempts: 1 },
  );
  await h.startDelivery({
    adapters: [coupon],
    // One touch a day: had the first try kept its count, the retry would be capped.
    guards: { frequencyCaps: { total: [{ max: 1, per: 'day' }] } },
    clock: () => clock.now,
  });
  const c = command({ channel: 'coupon' });
  await h.produce([c]);
  await waitFor(() => h.feedbackOf(c.commandId).length === 1, {
    timeoutMs: 20_000,
    what: 'the deferral',
  });
  assert.equal(h.feedbackOf(c.commandId)[0].guard, 'circuit-breaker');
  clock.now = NOON + 30_000;
  await waitFor(() => h.feedbackOf(c.commandId).length === 2, {
    timeoutMs: 10_000,
    what: 'the retry',
  });
  assert.deepEqual(
    h.feedbackOf(c.commandId).map((f) => f.status),
    ['deferred', 'sent'],
  );
  assert.deepEqual(coupon.sentIds(), [c.commandId, c.commandId]);
});

test('keeps a command deferred again by the rate limit in the queue until a token is free', async (t) => {
  const h = await DeliveryHarness.start({ partitions: 1 });
  t.after(() => h.close());
  const clock = { now: NOON };
  const push = new RecordingAdapter('push');
  await h.startDelivery({
    adapters: [push],
    guards: { rateLimits: { push: { capacity: 2, refillPerSecond: 1 } } },
    clock: () => clock.now,
  });
  const commands = [command(), command(), command(), command()];
  await h.produce(commands);
  await waitFor(() => h.feedback().length === 4, { timeoutMs: 20_000, what: 'four outcomes' });
  assert.deepEqual(
    h.feedback().map((f) => [f.status, f.guard]),
    [
      ['sent', null],
      ['sent', null],
      ['deferred', 'rate-limit'],
      ['deferred', 'rate-limit'],
    ],
  );
  assert.equal(await queued(h), 2);

  // One token a second: the third goes out, the fourth is deferred again and stays queued.
  clock.now = NOON + 1_000;
  await waitFor(() => push.sent.length === 3, { timeoutMs: 10_000, what: 'the third send' });
  await sleep(300);
  assert.equal(push.sent.length, 3);
  assert.equal(await queued(h), 1);

  clock.now = NOON + 2_000;
  await waitFor(() => push.sent.length === 4, { timeoutMs: 10_000, what: 'the fourth send' });
  await waitFor(async () => (await queued(h)) === 0, { timeoutMs: 5_000, what: 'an empty queue' });
  assert.deepEqual(
    push.sentIds(),
    commands.map((c) => c.commandId),
  );
});
