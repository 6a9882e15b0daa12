import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuietHours } from '../../../src/sinks/index.js';

const NY = 'America/New_York';
const quiet = new QuietHours({
  sms: { from: '21:00', to: '08:00' },
  push: { from: '12:00', to: '14:00' },
  coupon: { from: '01:00', to: '02:30' },
});

function until(r: ReturnType<QuietHours['check']>): number {
  assert.equal(r.allowed, false);
  return r.allowed ? 0 : r.until;
}

test('defers an SMS at 22:00 Shanghai to 08:00 the next morning', () => {
  // 2026-01-09 22:00 Shanghai = 14:00Z
  assert.equal(
    until(quiet.check('sms', Date.UTC(2026, 0, 9, 14), 'Asia/Shanghai')),
    Date.UTC(2026, 0, 10, 0),
  );
});

test('defers an SMS after midnight to 08:00 the same morning', () => {
  assert.equal(
    until(quiet.check('sms', Date.UTC(2026, 0, 9, 18), 'Asia/Shanghai')),
    Date.UTC(2026, 0, 10, 0),
  );
});

test('allows touches at the window end and before its start, and channels with no window', () => {
  assert.deepEqual(quiet.check('sms', Date.UTC(2026, 0, 10, 0), 'Asia/Shanghai'), {
    allowed: true,
  });
  assert.deepEqual(quiet.check('sms', Date.UTC(2026, 0, 10, 12, 59), 'Asia/Shanghai'), {
    allowed: true,
  });
  assert.equal(quiet.check('sms', Date.UTC(2026, 0, 10, 13), 'Asia/Shanghai').allowed, false);
  assert.deepEqual(quiet.check('wechat', Date.UTC(2026, 0, 9, 14), 'Asia/Shanghai'), {
    allowed: true,
  });
});

test('handles a window within one day', () => {
  // 13:00 Shanghai
  assert.equal(
    until(quiet.check('push', Date.UTC(2026, 0, 9, 5), 'Asia/Shanghai')),
    Date.UTC(2026, 0, 9, 6),
  );
  assert.deepEqual(quiet.check('push', Date.UTC(2026, 0, 9, 6), 'Asia/Shanghai'), {
    allowed: true,
  });
});

test('ends the window at 08:00 local across the New York spring-forward night', () => {
  // 2026-03-07 22:00 EST (UTC-5) -> 2026-03-08 08:00 EDT (UTC-4)
  assert.equal(until(quiet.check('sms', Date.UTC(2026, 2, 8, 3), NY)), Date.UTC(2026, 2, 8, 12));
});

test('ends the window at 08:00 local across the New York fall-back night', () => {
  // 2026-10-31 22:00 EDT -> 2026-11-01 08:00 EST
  assert.equal(until(quiet.check('sms', Date.UTC(2026, 10, 1, 2), NY)), Date.UTC(2026, 10, 1, 13));
});

test('moves a window end that falls in the DST gap forward by the gap', () => {
  // 01:30 EST on 2026-03-08; 02:30 does not exist that night, 03:30 EDT does.
  assert.equal(
    until(quiet.check('coupon', Date.UTC(2026, 2, 8, 6, 30), NY)),
    Date.UTC(2026, 2, 8, 7, 30),
  );
});
