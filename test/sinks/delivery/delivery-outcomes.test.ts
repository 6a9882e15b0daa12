import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RedisCommandRecords } from '../../../src/sinks/index.js';
import type { DeliveryFeedback } from '../../../src/sinks/index.js';
import { waitFor } from '../../runtime/kafka/support/wait.js';
import { DeliveryHarness, MORNING, NIGHT, NOON, command } from './support/delivery-harness.js';
import { RecordingAdapter } from './support/recording-adapter.js';

const GUARDS = {
  frequencyCaps: { channels: { sms: [{ max: 1, per: 'week' as const }] } },
  quietHours: { sms: { from: '21:00', to: '08:00' } },
};

function only(feedback: DeliveryFeedback[], commandId: string): DeliveryFeedback {
  const matching = feedback.filter((f) => f.commandId === commandId);
  assert.equal(
    matching.length,
    1,
    `one feedback record for ${commandId}: ${JSON.stringify(matching)}`,
  );
  return matching[0];
}

test('writes the feedback of every outcome path and commits the batch only after it', async (t) => {
  const h = await DeliveryHarness.start();
  t.after(() => h.close());
  const clock = { now: NOON };
  const push = new RecordingAdapter('push');
  const sms = new RecordingAdapter('sms', undefined, (c) =>
    c.phone === null ? 'no phone number for sms' : undefined,
  );
  const wechat = new RecordingAdapter('wechat', () => ({
    status: 'failed',
    code: 'TS_SINK_PROVIDER_REJECTED',
    reason: 'errcode 43004: the user unsubscribed',
    retryable: false,
    attempts: 1,
  }));
  const coupon = new RecordingAdapter('coupon', () => ({
    status: 'failed',
    code: 'TS_SINK_CIRCUIT_OPEN',
    reason: 'the coupon circuit is open',
    retryable: true,
    attempts: 0,
    retryAt: NOON + 30_000,
  }));

  const sent = command({ channel: 'push' });
  const heldOut = command({ channel: 'push', heldOut: true });
  const firstSms = command({ channel: 'sms', customerId: 'cust-capped' });
  const cappedSms = command({ channel: 'sms', customerId: 'cust-capped' });
  const nightSms = command({ channel: 'sms', at: NIGHT });
  const noPhone = command({ channel: 'sms', phone: null });
  const rejected = command({ channel: 'wechat', openid: 'o-1' });
  const circuitOpen = command({ channel: 'coupon' });
  const unknownChannel = command({ channel: 'fax' });
  const { customerId: _dropped, ...noCustomer } = command({ commandId: 'cmd-no-customer' });

  await h.produce([
    sent,
    heldOut,
    firstSms,
    cappedSms,
    nightSms,
    noPhone,
    rejected,
    circuitOpen,
    unknownChannel,
    noCustomer,
  ]);
  await h.produceRaw('cust-garbage', Buffer.from('not json{'));
  const twice = command({ channel: 'push' });
  await h.produce([twice, twice]);

  // Every record yields one feedback record, so at each commit the feedback must cover every committed offset.
  const committedUpTo = new Map<number, number>();
  const shortfalls: string[] = [];
  await h.startDelivery({
    adapters: [push, sms, wechat, coupon],
    guards: GUARDS,
    clock: () => clock.now,
    commandRecords: { keyPrefix: `${h.redis.prefix}commands:` },
    onCommit: ({ partition, offset }) => {
      committedUpTo.set(partition, offset);
      const covered = [...committedUpTo.values()].reduce((a, b) => a + b, 0);
      const written = h.feedback().length;
      if (written < covered)
        shortfalls.push(`${written} feedback records for ${covered} committed`);
    },
  });
  const allCommitted = (total: number) => async () => {
    const committed = await h.committed();
    return h.feedback().length >= total && committed.reduce((a, b) => a + b, 0) === total;
  };
  await waitFor(allCommitted(13), { timeoutMs: 20_000, what: 'the first 13 records' });
  // Redeliveries, after the first copies are finished: of a sent and of a rejected command.
  await h.produce([sent, rejected]);
  const total = 15;
  await waitFor(allCommitted(total), { timeoutMs: 20_000, what: 'the redeliveries' });
  const feedback = h.feedback();
  assert.equal(feedback.length, total);

  assert.deepEqual(push.sentIds(), [sent.commandId, twice.commandId]);
  assert.deepEqual(sms.sentIds(), [firstSms.commandId]);
  assert.deepEqual(wechat.sentIds(), [rejected.commandId]);
  assert.deepEqual(coupon.sentIds(), [circuitOpen.commandId]);

  // The redelivery is not sent again, and is reported as sent (feedback is at least once per commandId).
  const sentRecords = feedback.filter((f) => f.commandId === sent.commandId);
  assert.deepEqual(
    sentRecords.map((f) => [f.status, f.guard]),
    [
      ['sent', null],
      ['sent', 'idempotency'],
    ],
  );
  assert.deepEqual(sentRecords[0], {
    commandId: sent.commandId,
    customerId: sent.customerId,
    trigger: 'renewal-reminder',
    channel: 'push',
    status: 'sent',
    reason: null,
    guard: null,
    until: null,
    at: NOON,
  });
  assert.equal(sentRecords[1].reason, 'already sent; this redelivered copy was not sent again');
  const twiceRecords = feedback.filter((f) => f.commandId === twice.commandId);
  assert.deepEqual(
    twiceRecords.map((f) => [f.status, f.guard]),
    [
      ['sent', null],
      ['suppressed', 'idempotency'],
    ],
  );

  const held = only(feedback, heldOut.commandId);
  assert.equal(held.status, 'suppressed');
  assert.equal(held.guard, 'holdout');

  assert.equal(only(feedback, firstSms.commandId).status, 'sent');
  const capped = only(feedback, cappedSms.commandId);
  assert.equal(capped.status, 'suppressed');
  assert.equal(capped.guard, 'frequency-cap');
  assert.match(capped.reason ?? '', /1 per week on channel sms/);

  const night = only(feedback, nightSms.commandId);
  assert.equal(night.status, 'deferred');
  assert.equal(night.guard, 'quiet-hours');
  assert.equal(night.until, MORNING);

  const phoneless = only(feedback, noPhone.commandId);
  assert.deepEqual([phoneless.status, phoneless.reason], ['suppressed', 'no phone number for sms']);

  const rejectedRecords = feedback.filter((f) => f.commandId === rejected.commandId);
  assert.deepEqual(
    rejectedRecords.map((f) => f.status),
    ['failed', 'suppressed'],
  );
  assert.equal(
    rejectedRecords[0].reason,
    'TS_SINK_PROVIDER_REJECTED: errcode 43004: the user unsubscribed',
  );

  const open = only(feedback, circuitOpen.commandId);
  assert.deepEqual(
    [open.status, open.guard, open.until],
    ['deferred', 'circuit-breaker', NOON + 30_000],
  );

  const fax = only(feedback, unknownChannel.commandId);
  assert.deepEqual([fax.status, fax.reason], ['suppressed', 'no adapter for channel fax']);

  const invalid = only(feedback, 'cmd-no-customer');
  assert.equal(invalid.status, 'suppressed');
  assert.match(invalid.reason ?? '', /customerId must be a non-empty string/);

  const garbage = feedback.find((f) => f.customerId === 'cust-garbage');
  assert.equal(garbage?.status, 'suppressed');
  assert.match(garbage?.reason ?? '', /does not decode/);

  const letters = h.deadLetters();
  assert.deepEqual(letters.map((l) => l.code).sort(), [
    'TS_IO_DECODE_FAILED',
    'TS_SINK_DELIVERY_COMMAND_INVALID',
    'TS_SINK_PROVIDER_REJECTED',
  ]);
  const raw = letters.find((l) => l.code === 'TS_IO_DECODE_FAILED');
  assert.equal(Buffer.from(raw?.value ?? '', 'base64').toString('utf8'), 'not json{');
  assert.equal(raw?.topic, h.topics.touches);
  const failedLetter = letters.find((l) => l.code === 'TS_SINK_PROVIDER_REJECTED');
  assert.equal(failedLetter?.commandId, rejected.commandId);
  assert.equal(failedLetter?.attempts, 1);

  // Two deferred touches wait in the queue: the night SMS and the coupon behind an open circuit.
  const queued = await h.redis.redis.zrange(`${h.redis.prefix}deferred`, 0, -1, 'WITHSCORES');
  assert.deepEqual(queued, [
    circuitOpen.commandId,
    String(NOON + 30_000),
    nightSms.commandId,
    String(MORNING),
  ]);

  assert.ok(committedUpTo.size > 0);
  assert.deepEqual(shortfalls, []);

  // Sent commands are on record for the provider callbacks, by id and by the provider's message id.
  const records = new RedisCommandRecords({
    redis: h.redis.redis,
    keyPrefix: `${h.redis.prefix}commands:`,
  });
  assert.deepEqual(await records.getMany([sent.commandId, cappedSms.commandId]), [
    { customerId: sent.customerId, trigger: sent.trigger, channel: 'push', at: NOON },
    undefined,
  ]);
  assert.deepEqual(await records.commandsOfMessages('push', [`pm-${twice.commandId}`]), [
    twice.commandId,
  ]);

  const exposition = await h.metrics.render();
  assert.match(
    exposition,
    /touchstream_delivery_outcomes_total\{channel="push",status="sent",guard="none"\} 2/,
  );
  assert.match(
    exposition,
    /touchstream_delivery_outcomes_total\{channel="sms",status="deferred",guard="quiet-hours"\} 1/,
  );
  assert.match(exposition, /touchstream_delivery_commands_consumed_total\{source="topic"\} 15/);
  assert.match(exposition, /touchstream_delivery_send_latency_seconds_count\{channel="push"\} 2/);
  assert.match(
    exposition,
    /touchstream_touches_suppressed_total\{channel="push",reason="holdout"\} 1/,
  );
});
