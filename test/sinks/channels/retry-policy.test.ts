import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetryPolicy } from '../../../src/sinks/index.js';

const settings = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 1_000 };

test('doubles the backoff ceiling after each failed attempt up to maxDelayMs', () => {
  const policy = new RetryPolicy(settings, () => 0.999_999);
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((attempt) => policy.ceilingAfter(attempt)),
    [200, 400, 800, 1_000, 1_000],
  );
});

test('waits a uniformly random share of the ceiling (full jitter)', () => {
  const draws = [0, 0.25, 0.5, 0.999];
  const policy = new RetryPolicy(settings, () => draws.shift()!);
  assert.deepEqual(
    [3, 3, 3, 3].map((attempt) => policy.delayAfter(attempt)),
    [0, 200, 400, 799],
  );
});

test('allows attempts up to maxAttempts, the first included', () => {
  const policy = new RetryPolicy(settings);
  assert.deepEqual(
    [1, 2, 3, 4].map((attempt) => policy.allowsAfter(attempt)),
    [true, true, true, false],
  );
  assert.equal(new RetryPolicy({ ...settings, maxAttempts: 1 }).allowsAfter(1), false);
});

test('keeps the ceiling finite however many attempts are allowed', () => {
  const policy = new RetryPolicy({ maxAttempts: 10_000, baseDelayMs: 200, maxDelayMs: 5_000 });
  assert.equal(policy.ceilingAfter(5_000), 5_000);
});
