import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, envName, loadConfig } from '../../src/cli/config/index.js';

test('defaults fill every setting and the result is frozen', () => {
  const config = loadConfig({ env: {} });
  assert.equal(config.applicationId, 'touchstream');
  assert.equal(config.kafka.processingGuarantee, 'exactly_once');
  assert.equal(config.topics.touches, 'touchstream.touch-commands');
  assert.equal(config.kafka.brokers, undefined);
  assert.ok(config.instanceId.length > 0);
  assert.throws(() => {
    (config.kafka as { partitions: number }).partitions = 3;
  }, TypeError);
});

test('environment variables override the file, and flags override both', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-'));
  const file = join(dir, 'touchstream.json');
  writeFileSync(
    file,
    JSON.stringify({
      applicationId: 'from-file',
      kafka: { partitions: 4, sessionTimeoutMs: 7000 },
    }),
  );
  const config = loadConfig({
    file,
    env: { TOUCHSTREAM_KAFKA_PARTITIONS: '12', TOUCHSTREAM_KAFKA_BROKERS: 'a:9092, b:9093' },
    overrides: { kafka: { sessionTimeoutMs: 9000 } },
  });
  assert.equal(config.applicationId, 'from-file');
  assert.equal(config.kafka.partitions, 12);
  assert.deepEqual(config.kafka.brokers, ['a:9092', 'b:9093']);
  assert.equal(config.kafka.sessionTimeoutMs, 9000);
});

test('a bad value stops the start with the field, the expectation and the source named', () => {
  const error = (() => {
    try {
      loadConfig({ env: { TOUCHSTREAM_KAFKA_PARTITIONS: 'many' } });
    } catch (caught) {
      return caught;
    }
    return undefined;
  })();
  assert.ok(error instanceof ConfigError);
  assert.equal(error.code, 'TS_CONFIG_INVALID');
  assert.match(error.message, /kafka\.partitions must be integer/);
  assert.match(error.message, /TOUCHSTREAM_KAFKA_PARTITIONS/);
  assert.equal(error.details.field, 'kafka.partitions');
});

test('unknown settings and bad enum values are refused by name', () => {
  assert.throws(
    () => loadConfig({ env: {}, overrides: { kafka: { brokerz: ['x:1'] } } }),
    /kafka\.brokerz is not a setting/,
  );
  assert.throws(
    () => loadConfig({ env: { TOUCHSTREAM_KAFKA_PROCESSING_GUARANTEE: 'maybe' } }),
    /kafka\.processingGuarantee must be one of "exactly_once", "at_least_once"/,
  );
  assert.throws(
    () => loadConfig({ env: {}, overrides: { kafka: { brokers: ['no-port'] } } }),
    /kafka\.brokers\.0 must match/,
  );
});

test('an unreadable config file is named', () => {
  assert.throws(
    () => loadConfig({ file: '/nonexistent/touchstream.json', env: {} }),
    /cannot read config file \/nonexistent\/touchstream\.json/,
  );
});

test('environment variable names follow the setting paths', () => {
  assert.equal(envName(['kafka', 'sessionTimeoutMs']), 'TOUCHSTREAM_KAFKA_SESSION_TIMEOUT_MS');
  assert.equal(envName(['applicationId']), 'TOUCHSTREAM_APPLICATION_ID');
});

test('the contact and insight attributes of the rule engine have defaults and can be renamed', () => {
  const defaults = loadConfig({ env: {} });
  assert.deepEqual(defaults.rules.contactAttributes, {
    phone: 'phone',
    openid: 'openid',
    pushRegistrationId: 'pushRegistrationId',
  });
  assert.equal(defaults.rules.insightAttributes.age, 'age');
  assert.equal(defaults.rules.insightUtcOffsetMinutes, 480);
  const renamed = loadConfig({
    env: {},
    overrides: {
      rules: { contactAttributes: { openid: 'wxOpenId' }, insightAttributes: { level: 'tier' } },
    },
  });
  assert.equal(renamed.rules.contactAttributes.openid, 'wxOpenId');
  assert.equal(renamed.rules.contactAttributes.phone, 'phone');
  assert.equal(renamed.rules.insightAttributes.level, 'tier');
  assert.throws(
    () => loadConfig({ env: {}, overrides: { rules: { insightUtcOffsetMinutes: 2000 } } }),
    /rules\.insightUtcOffsetMinutes must be <= 840/,
  );
  assert.throws(
    () => loadConfig({ env: {}, overrides: { rules: { contactAttributes: { email: 'mail' } } } }),
    /rules\.contactAttributes\.email is not a setting/,
  );
});
