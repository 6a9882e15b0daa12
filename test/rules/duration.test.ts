import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DurationError, parseDuration, tryParseDuration } from '../../src/rules/index.js';

describe('durations', () => {
  test('parses minutes, hours and days (24 h) to milliseconds', () => {
    assert.equal(parseDuration('15m'), 15 * 60_000);
    assert.equal(parseDuration('2h'), 2 * 3_600_000);
    assert.equal(parseDuration('30d'), 30 * 86_400_000);
    assert.equal(parseDuration('0m'), 0);
  });

  test('rejects other spellings', () => {
    for (const text of ['30', 'd', '1.5d', '-1d', ' 1d', '1d ', '1D', '1w', '1s', '1 d', '1h30m']) {
      assert.equal(tryParseDuration(text), undefined, text);
    }
    assert.equal(tryParseDuration(30), undefined);
  });

  test('rejects durations too long to add to a timestamp exactly', () => {
    assert.equal(tryParseDuration('999999999999999d'), undefined);
  });

  test('names the place when throwing', () => {
    assert.throws(
      () => parseDuration('1w', 'retention'),
      (error: unknown) =>
        error instanceof DurationError &&
        error.code === 'TS_RULE_DURATION' &&
        /retention: "1w"/.test(error.message),
    );
  });
});
