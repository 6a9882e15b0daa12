import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskJsonLine } from '../../src/observability/index.js';

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

describe('maskJsonLine', () => {
  it('returns the very same line when nothing looks like PII', () => {
    const input = line({ level: 'info', time: 1700000000000, pid: 4242, msg: 'committed 500' });
    assert.equal(maskJsonLine(input), input);
  });

  it('masks strings anywhere in the line and keeps it valid JSON', () => {
    const input = line({ msg: 'to 13812345678', a: { b: ['110105199001011234'] } });
    const output = maskJsonLine(input);
    assert.ok(output.endsWith('\n'));
    assert.deepEqual(JSON.parse(output), {
      msg: 'to 138****5678',
      a: { b: ['110105********1234'] },
    });
  });

  it('masks a number standing after an escape such as a newline', () => {
    const output = maskJsonLine(line({ msg: 'first line\n13812345678\tand "quoted" 13912345678' }));
    assert.deepEqual(JSON.parse(output), {
      msg: 'first line\n138****5678\tand "quoted" 139****5678',
    });
  });

  it('masks a number that a unicode escape runs into', () => {
    const input = line({ a: '\u000113812345678', b: '\u0001138 1234 5678' });
    assert.ok(input.includes('\\u000113812345678'));
    assert.deepEqual(JSON.parse(maskJsonLine(input)), {
      a: '\u0001138****5678',
      b: '\u0001138****5678',
    });
  });

  it('turns a bare PII number into a masked string', () => {
    const output = maskJsonLine('{"mobile":13812345678,"time":1700000000000,"n":-1.5e3}\n');
    assert.deepEqual(JSON.parse(output), { mobile: '138****5678', time: 1700000000000, n: -1500 });
  });

  it('masks keys as well as values', () => {
    const output = maskJsonLine(line({ '13812345678': 1 }));
    assert.deepEqual(JSON.parse(output), { '138****5678': 1 });
  });

  it('leaves candidates that are not PII in context untouched', () => {
    const input = line({ order: 'ORD13812345678', amount: 13812345678.5 });
    assert.equal(maskJsonLine(input), input);
  });
});
