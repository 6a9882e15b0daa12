import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidLoggerOptionError, createLogger } from '../../src/observability/index.js';
import type { LoggerOptions } from '../../src/observability/index.js';

function capture(options: LoggerOptions = {}) {
  const lines: string[] = [];
  const logger = createLogger({
    clock: () => 1700000000000,
    ...options,
    destination: { write: (line: string) => lines.push(line) },
  });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('createLogger', () => {
  it('writes one JSON line per call with level label, time, name and instanceId', () => {
    const { logger, lines, records } = capture({ name: 'ts-test', instanceId: 'member-1' });
    logger.info({ task: '0_3' }, 'task assigned');
    assert.equal(lines.length, 1);
    assert.ok(lines[0].endsWith('\n'));
    const [record] = records();
    assert.equal(record.level, 'info');
    assert.equal(record.time, 1700000000000);
    assert.equal(record.name, 'ts-test');
    assert.equal(record.instanceId, 'member-1');
    assert.equal(record.pid, process.pid);
    assert.equal(record.task, '0_3');
    assert.equal(record.msg, 'task assigned');
  });

  it('names itself touchstream by default and merges extra base fields', () => {
    const { logger, records } = capture({ base: { service: 'engine' } });
    logger.info('up');
    assert.equal(records()[0].name, 'touchstream');
    assert.equal(records()[0].service, 'engine');
  });

  it('drops lines below the configured level', () => {
    const { logger, records } = capture({ level: 'warn' });
    logger.info('ignored');
    logger.debug('ignored too');
    logger.warn('kept');
    assert.deepEqual(
      records().map((record) => record.msg),
      ['kept'],
    );
  });

  it('masks PII in messages, including interpolated arguments', () => {
    const { logger, lines, records } = capture();
    logger.info('sms to 13812345678 for policy holder %s', '110105199001011234');
    assert.equal(records()[0].msg, 'sms to 138****5678 for policy holder 110105********1234');
    assert.ok(!lines[0].includes('13812345678'));
  });

  it('masks PII in nested fields, arrays and numbers', () => {
    const { logger, records } = capture();
    logger.warn(
      {
        customer: { profile: { mobile: '+86 138 1234 5678', idCard: '11010519900101123X' } },
        recipients: ['13912345678', { tel: 15912345678 }],
      },
      'touch suppressed',
    );
    const record = records()[0];
    assert.deepEqual(record.customer, {
      profile: { mobile: '+86 138****5678', idCard: '110105********123X' },
    });
    assert.deepEqual(record.recipients, ['139****5678', { tel: '159****5678' }]);
  });

  it('masks PII in child-logger bindings and in logged errors', () => {
    const { logger, lines, records } = capture();
    const child = logger.child({ customerMobile: '13812345678' });
    child.error(new Error('no policy found for id 110105199001011234'));
    const record = records()[0];
    assert.equal(record.customerMobile, '138****5678');
    assert.equal(record.msg, 'no policy found for id 110105********1234');
    const err = record.err as { message: string; stack: string };
    assert.equal(err.message, 'no policy found for id 110105********1234');
    assert.ok(err.stack.includes('110105********1234'));
    assert.ok(!lines[0].includes('110105199001011234'));
  });

  it('leaves timestamps, amounts and order numbers in log lines as they are', () => {
    const { logger, records } = capture();
    logger.info(
      { at: 1764064953123, amount: '13812345678.50', order: 'ORD13812345678' },
      'claim paid at 1700000000000',
    );
    const record = records()[0];
    assert.equal(record.at, 1764064953123);
    assert.equal(record.amount, '13812345678.50');
    assert.equal(record.order, 'ORD13812345678');
    assert.equal(record.msg, 'claim paid at 1700000000000');
  });

  it('refuses an unknown level with a stable code', () => {
    assert.throws(
      () => createLogger({ level: 'verbose' as never }),
      (error: unknown) =>
        error instanceof InvalidLoggerOptionError &&
        error.code === 'TS_LOG_INVALID_OPTION' &&
        error.message.includes('"verbose"'),
    );
  });

  it('refuses a destination without write()', () => {
    assert.throws(
      () => createLogger({ destination: {} as never }),
      (error: unknown) => error instanceof InvalidLoggerOptionError,
    );
    assert.throws(
      () => createLogger({ destination: null as never }),
      (error: unknown) => error instanceof InvalidLoggerOptionError,
    );
  });
});
