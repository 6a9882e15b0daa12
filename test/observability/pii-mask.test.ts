import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TouchstreamError } from '../../src/errors/index.js';
import { maskPii, maskValue } from '../../src/observability/index.js';

describe('maskPii', () => {
  const masked: [string, string][] = [
    ['13812345678', '138****5678'],
    ['19912345678', '199****5678'],
    ['+8613812345678', '+86138****5678'],
    ['8613812345678', '86138****5678'],
    ['0086 13812345678', '0086 138****5678'],
    ['+86 138 1234 5678', '+86 138****5678'],
    ['86-138-1234-5678', '86-138****5678'],
    ['138 1234 5678', '138****5678'],
    ['手机号：13912345678，请回电', '手机号：139****5678，请回电'],
    ['call me on 15912345678.', 'call me on 159****5678.'],
    ['phone=(13812345678)', 'phone=(138****5678)'],
    ['a 13812345678 and b 17712345678', 'a 138****5678 and b 177****5678'],
    ['110105199001011234', '110105********1234'],
    ['11010519900101123X', '110105********123X'],
    ['11010519900101123x', '110105********123x'],
    ['110105 19900101 1234', '110105********1234'],
    ['身份证110105199001011234号', '身份证110105********1234号'],
    ['born on a leap day: 110105200002291234', 'born on a leap day: 110105********1234'],
    ['old id 130503670401001', 'old id 130503******001'],
    ['id=440301850101123, mobile 13812345678', 'id=440301******123, mobile 138****5678'],
  ];
  for (const [input, expected] of masked) {
    it(`masks ${JSON.stringify(input)}`, () => {
      assert.equal(maskPii(input), expected);
    });
  }

  const untouched: [string, string][] = [
    ['a millisecond timestamp', 'at 1700000000000 the batch closed'],
    ['another millisecond timestamp', '1764064953123'],
    ['a second timestamp', '1700000000'],
    ['an amount with decimals', 'paid 13812345678.50 CNY'],
    ['a decimal fraction', 'ratio 0.13812345678'],
    ['an amount with thousands separators', '¥13,812,345,678.00'],
    ['an order number with a letter prefix', 'order ORD13812345678 shipped'],
    ['an order number led by a date', 'order 202311251234567'],
    ['a 14-digit order number', 'order 20231125000001'],
    ['a number embedded in a word', 'abc13812345678xyz'],
    ['a number after an underscore', 'user_13812345678'],
    ['an ID number glued to a word', 'id110105199001011234'],
    ['an ID number followed by letters', '110105199001011234abc'],
    ['a 12-digit number', '138123456789'],
    ['a 10-digit number', '1381234567'],
    ['a 19-digit number', '1101051990010112345'],
    ['an 11-digit number that is not a mobile', '12812345678'],
    ['an ID number with month 13', '110105199013011234'],
    ['an ID number with 30 February', '110105199002301234'],
    ['an ID number with 29 February in a common year', '110105190002291234'],
    ['an ID number with an unknown province', '990105199001011234'],
    ['an ordinary 15-digit number', '123456789012345'],
    ['a 15-digit number with an impossible date', '110105671301001'],
    ['a mobile with mixed separators', '138-1234 5678'],
    ['a hex trace id', 'trace 4bf92f3577b34da6a3ce929d0e0e4736'],
    ['short text', 'hello'],
  ];
  for (const [what, input] of untouched) {
    it(`leaves ${what} alone`, () => {
      assert.equal(maskPii(input), input);
    });
  }
});

describe('maskValue', () => {
  it('masks strings, integer numbers and keys at any depth', () => {
    const input = {
      customer: { mobile: '13812345678', id: '110105199001011234', tel: 13912345678 },
      contacts: [{ value: 'home +86 138 1234 5678' }, 42],
      byPhone: { '13812345678': 'c-1' },
      amount: 13812345678.5,
      time: 1700000000000,
    };
    assert.deepEqual(maskValue(input), {
      customer: { mobile: '138****5678', id: '110105********1234', tel: '139****5678' },
      contacts: [{ value: 'home +86 138****5678' }, 42],
      byPhone: { '138****5678': 'c-1' },
      amount: 13812345678.5,
      time: 1700000000000,
    });
  });

  it('never mutates its input', () => {
    const input = { nested: { mobile: '13812345678' }, list: ['13812345678'] };
    maskValue(input);
    assert.deepEqual(input, { nested: { mobile: '13812345678' }, list: ['13812345678'] });
  });

  it('returns the same objects when there is nothing to mask', () => {
    const inner = { note: 'renewal due 2026-12-01', time: 1700000000000 };
    const input = { inner, list: [inner, 'x'] };
    assert.equal(maskValue(input), input);
    const partly = { inner, secret: '13812345678' } as Record<string, unknown>;
    const result = maskValue(partly) as Record<string, unknown>;
    assert.notEqual(result, partly);
    assert.equal(result.inner, inner);
  });

  it('masks primitives passed on their own', () => {
    assert.equal(maskValue('13812345678'), '138****5678');
    assert.equal(maskValue(13812345678), '138****5678');
    assert.equal(maskValue(13812345678n), '138****5678');
    assert.equal(maskValue(42), 42);
    assert.equal(maskValue(null), null);
    assert.equal(maskValue(undefined), undefined);
  });

  it('masks an error copy and keeps its class, code and fields', () => {
    const cause = new Error('upstream saw 13812345678');
    const error = new TouchstreamError('TS_TEST_FAILED', 'no profile for 13812345678', {
      cause,
      details: { id: '110105199001011234' },
    });
    const result = maskValue(error) as TouchstreamError;
    assert.ok(result instanceof TouchstreamError);
    assert.equal(result.code, 'TS_TEST_FAILED');
    assert.equal(result.message, 'no profile for 138****5678');
    assert.ok(result.stack?.includes('138****5678'));
    assert.ok(!result.stack?.includes('13812345678'));
    assert.deepEqual(result.details, { id: '110105********1234' });
    assert.equal((result.cause as Error).message, 'upstream saw 138****5678');
    assert.equal(error.message, 'no profile for 13812345678');
  });

  it('returns an error unchanged when it holds no PII', () => {
    const error = new Error('store closed');
    assert.equal(maskValue(error), error);
  });

  it('replaces cycles with a marker instead of recursing forever', () => {
    const input: Record<string, unknown> = { mobile: '13812345678' };
    input.self = input;
    assert.deepEqual(maskValue(input), { mobile: '138****5678', self: '[Circular]' });
  });

  it('leaves class instances such as dates and buffers alone', () => {
    const date = new Date(0);
    const buffer = Buffer.from('13812345678');
    const result = maskValue({ date, buffer }) as Record<string, unknown>;
    assert.equal(result.date, date);
    assert.equal(result.buffer, buffer);
  });
});
