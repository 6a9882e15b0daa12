import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreaker } from '../../../src/sinks/index.js';
import { ManualClock } from './support/runtime.js';
import { T0 } from './support/commands.js';

function breaker(clock: ManualClock) {
  return new CircuitBreaker({
    failureThreshold: 3,
    cooldownMs: 30_000,
    trialTimeoutMs: 5_000,
    now: clock.now,
  });
}

test('stays closed until failureThreshold consecutive failures, then opens', () => {
  const clock = new ManualClock(T0);
  const b = breaker(clock);
  assert.equal(b.onFailure(), undefined);
  assert.equal(b.onFailure(), undefined);
  assert.equal(b.state, 'closed');
  assert.deepEqual(b.admit(), { admitted: true });
  assert.equal(b.onFailure(), T0 + 30_000);
  assert.equal(b.state, 'open');
  assert.deepEqual(b.admit(), { admitted: false, retryAt: T0 + 30_000 });
});

test('counts only consecutive failures: a success in between starts over', () => {
  const clock = new ManualClock(T0);
  const b = breaker(clock);
  b.onFailure();
  b.onFailure();
  b.onSuccess();
  b.onFailure();
  b.onFailure();
  assert.equal(b.state, 'closed');
});

test('half-opens after the cooldown and admits one trial call at a time', () => {
  const clock = new ManualClock(T0);
  const b = breaker(clock);
  for (let i = 0; i < 3; i += 1) b.onFailure();
  clock.advance(29_999);
  assert.equal(b.admit().admitted, false);
  clock.advance(1);
  assert.equal(b.state, 'half-open');
  assert.deepEqual(b.admit(), { admitted: true });
  clock.advance(1_000);
  assert.deepEqual(b.admit(), { admitted: false, retryAt: T0 + 30_000 + 5_000 });
});

test('closes when the trial call succeeds', () => {
  const clock = new ManualClock(T0);
  const b = breaker(clock);
  for (let i = 0; i < 3; i += 1) b.onFailure();
  clock.advance(30_000);
  assert.equal(b.admit().admitted, true);
  b.onSuccess();
  assert.equal(b.state, 'closed');
  assert.equal(b.retryAt, undefined);
  assert.equal(b.admit().admitted, true);
  assert.equal(b.admit().admitted, true);
});

test('opens again for a whole cooldown when the trial call fails', () => {
  const clock = new ManualClock(T0);
  const b = breaker(clock);
  for (let i = 0; i < 3; i += 1) b.onFailure();
  clock.advance(30_000);
  assert.equal(b.admit().admitted, true);
  clock.advance(200);
  assert.equal(b.onFailure(), T0 + 60_200);
  assert.deepEqual(b.admit(), { admitted: false, retryAt: T0 + 60_200 });
});

test('lets a new trial through when the previous one never reported back', () => {
  const clock = new ManualClock(T0);
  const b = breaker(clock);
  for (let i = 0; i < 3; i += 1) b.onFailure();
  clock.advance(30_000);
  assert.equal(b.admit().admitted, true);
  clock.advance(5_000);
  assert.equal(b.admit().admitted, true);
});
