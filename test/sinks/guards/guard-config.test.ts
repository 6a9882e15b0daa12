import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GUARD_CONFIG_SCHEMA, validateGuardConfig } from '../../../src/sinks/index.js';

test('fills documented defaults and freezes the result', () => {
  const c = validateGuardConfig({});
  assert.equal(c.keyPrefix, GUARD_CONFIG_SCHEMA.properties.keyPrefix.default);
  assert.equal(c.defaultTimeZone, 'Asia/Shanghai');
  assert.equal(c.idempotency.leaseMs, 60_000);
  assert.deepEqual(c.frequencyCaps, { total: [], channels: {} });
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.idempotency));
});

test('names the bad field in its error', () => {
  const bad: [unknown, string][] = [
    [
      { frequencyCaps: { channels: { sms: [{ max: 0, per: 'week' }] } } },
      'guards.frequencyCaps.channels.sms[0].max',
    ],
    [{ frequencyCaps: { total: [{ max: 3, per: 'month' }] } }, 'guards.frequencyCaps.total[0].per'],
    [{ quietHours: { sms: { from: '21:00', to: '8:00' } } }, 'guards.quietHours.sms.to'],
    [
      { rateLimits: { sms: { capacity: 10, refillPerSecond: 0 } } },
      'guards.rateLimits.sms.refillPerSecond',
    ],
    [{ defaultTimeZone: 'Mars/Olympus' }, 'guards.defaultTimeZone'],
    [{ idempotency: { leaseMs: 1.5 } }, 'guards.idempotency.leaseMs'],
    [{ quietHour: {} }, 'guards.quietHour'],
  ];
  for (const [input, path] of bad) {
    assert.throws(
      () => validateGuardConfig(input),
      (e: unknown) => {
        const err = e as { code: string; details: { path: string }; message: string };
        assert.equal(err.code, 'TS_SINK_INVALID_GUARD_CONFIG');
        assert.equal(err.details.path, path);
        assert.ok(err.message.includes(path));
        return true;
      },
    );
  }
});
