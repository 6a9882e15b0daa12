import { test } from 'node:test';
import assert from 'node:assert/strict';
import { touchCommandId } from '../../../src/io/index.js';
import {
  ConcurrencyLimit,
  InvalidTouchCommandError,
  backoffDelay,
  toTouchCommand,
} from '../../../src/sinks/index.js';

const topologyTouch = {
  at: 1_700_000_000_000,
  trigger: 'renewal-reminder',
  customerId: 'c-1',
  channel: 'sms',
  template: 'renewal',
  params: { days: 30, plate: '沪A12345', vip: true, note: null },
  heldOut: false,
};

test('fills what a JSON touch of the topology leaves out, deriving the id as the Avro serde does', () => {
  assert.deepEqual(toTouchCommand(topologyTouch), {
    ...topologyTouch,
    commandId: touchCommandId(topologyTouch),
    ruleVersion: null,
    createdAt: topologyTouch.at,
    phone: null,
    openid: null,
    pushRegistrationId: null,
  });
});

test('keeps a command id the producer gave', () => {
  assert.equal(toTouchCommand({ ...topologyTouch, commandId: 'given' }).commandId, 'given');
});

test('refuses a command without what delivery needs, naming the field', () => {
  const cases: [unknown, RegExp][] = [
    [[1, 2], /field \(record\) must be an object/],
    [{ ...topologyTouch, customerId: '' }, /field customerId must be a non-empty string/],
    [{ ...topologyTouch, channel: 7 }, /field channel must be a non-empty string \(got 7\)/],
    [{ ...topologyTouch, at: 'yesterday' }, /field at must be epoch milliseconds/],
    [{ ...topologyTouch, params: { nested: { a: 1 } } }, /field params\.nested must be a string/],
    [{ ...topologyTouch, heldOut: 'no' }, /field heldOut must be a boolean/],
    [{ ...topologyTouch, phone: 13800000000 }, /field phone must be a string or null/],
    [{ ...topologyTouch, commandId: '' }, /field commandId must be a non-empty string/],
  ];
  for (const [value, message] of cases) {
    assert.throws(
      () => toTouchCommand(value),
      (error: unknown) =>
        error instanceof InvalidTouchCommandError &&
        error.code === 'TS_SINK_DELIVERY_COMMAND_INVALID' &&
        message.test(error.message),
      String(message),
    );
  }
});

test('backs off exponentially to a cap, with jitter', () => {
  const options = { initialMs: 100, maxMs: 1_000 };
  for (let i = 0; i < 50; i++) {
    assert.ok(Math.abs(backoffDelay(0, options) - 100) <= 20);
    assert.ok(Math.abs(backoffDelay(2, options) - 400) <= 80);
    assert.ok(Math.abs(backoffDelay(40, options) - 1_000) <= 200);
  }
});

test('runs at most the limit of tasks at once, the rest in arrival order', async () => {
  const limit = new ConcurrencyLimit(2);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  await Promise.all(
    [0, 1, 2, 3, 4].map((n) =>
      limit.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setImmediate(resolve));
        order.push(n);
        running -= 1;
      }),
    ),
  );
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
});
