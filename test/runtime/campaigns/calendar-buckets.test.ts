import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ZonedCalendar,
  bucketOf,
  bucketSpan,
  isCalendarDay,
  weekStart,
} from '../../../src/runtime/index.js';

test('names the day of an instant in the zone, on either side of its midnight', () => {
  const shanghai = new ZonedCalendar('Asia/Shanghai');
  assert.equal(shanghai.dayOf(Date.UTC(2026, 0, 4, 15, 59, 59, 999)), '2026-01-04');
  assert.equal(shanghai.dayOf(Date.UTC(2026, 0, 4, 16)), '2026-01-05');
  // Remembered spans answer the same when asked again, in any order.
  assert.equal(shanghai.dayOf(Date.UTC(2026, 0, 4, 15, 59, 59, 999)), '2026-01-04');
  assert.equal(shanghai.dayOf(Date.UTC(2026, 0, 5, 15, 59, 59, 999)), '2026-01-05');
});

test('keeps day edges right across a daylight-saving change', () => {
  const newYork = new ZonedCalendar('America/New_York');
  // 2026-03-08 is 23 hours long in New York: 05:00 UTC to 04:00 UTC the next day.
  const start = Date.UTC(2026, 2, 8, 5);
  const end = Date.UTC(2026, 2, 9, 4);
  assert.equal(newYork.dayOf(start + 3 * 3_600_000), '2026-03-08');
  assert.equal(newYork.dayOf(start - 1), '2026-03-07');
  assert.equal(newYork.dayOf(start), '2026-03-08');
  assert.equal(newYork.dayOf(end - 1), '2026-03-08');
  assert.equal(newYork.dayOf(end), '2026-03-09');
  // Autumn: 2026-11-01 is 25 hours long.
  assert.equal(newYork.dayOf(Date.UTC(2026, 10, 2, 4, 59, 59, 999)), '2026-11-01');
  assert.equal(newYork.dayOf(Date.UTC(2026, 10, 2, 5)), '2026-11-02');
});

test('refuses a time zone it does not know, naming it', () => {
  assert.throws(() => new ZonedCalendar('Mars/Olympus'), {
    code: 'TS_RUNTIME_TIME_ZONE',
    message: /"Mars\/Olympus" is not an IANA time zone/,
  });
});

test('weeks start on Monday, across a month and a year end', () => {
  assert.equal(weekStart('2026-01-05'), '2026-01-05'); // Monday
  assert.equal(weekStart('2026-01-04'), '2025-12-29'); // Sunday
  assert.equal(weekStart('2026-03-01'), '2026-02-23');
  assert.equal(bucketOf('2024-02-29', 'month'), '2024-02');
  assert.deepEqual(bucketSpan('2025-12-29', 'week'), { start: '2025-12-29', end: '2026-01-04' });
  assert.deepEqual(bucketSpan('2024-02', 'month'), { start: '2024-02-01', end: '2024-02-29' });
  assert.deepEqual(bucketSpan('2026-01-05', 'day'), { start: '2026-01-05', end: '2026-01-05' });
});

test('tells real calendar days from look-alikes', () => {
  assert.equal(isCalendarDay('2024-02-29'), true);
  assert.equal(isCalendarDay('2026-02-29'), false);
  assert.equal(isCalendarDay('2026-1-05'), false);
  assert.equal(isCalendarDay('2026-13-01'), false);
});
