import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, deliverySettings, loadConfig } from '../../src/cli/config/index.js';

test('delivery runs in the engine process by default, with the local Redis and no guards set', () => {
  const config = loadConfig({ env: {} });
  assert.equal(config.delivery.enabled, true);
  assert.equal(config.delivery.redis.url, 'redis://127.0.0.1:6379');
  assert.deepEqual(config.delivery.guards.quietHours, {});
  assert.equal(config.delivery.guards.defaultTimeZone, 'Asia/Shanghai');
  assert.ok(Object.isFrozen(config.delivery.guards));
  assert.deepEqual(deliverySettings(config), {
    redisUrl: 'redis://127.0.0.1:6379',
    guards: config.delivery.guards,
    concurrency: 32,
    batchSize: 500,
    deferralPollMs: 1_000,
    deferralLeaseMs: 60_000,
    feedbackTopic: 'touchstream.delivery-feedback',
    deadLetterTopic: 'touchstream.delivery-dead-letters',
  });
});

test('guard settings come from the environment, maps as JSON', () => {
  const config = loadConfig({
    env: {
      TOUCHSTREAM_DELIVERY_ENABLED: 'false',
      TOUCHSTREAM_DELIVERY_GUARDS_KEY_PREFIX: 'prod:guard:',
      TOUCHSTREAM_DELIVERY_GUARDS_QUIET_HOURS: '{"sms":{"from":"21:00","to":"08:00"}}',
      TOUCHSTREAM_DELIVERY_GUARDS_RATE_LIMITS: '{"sms":{"capacity":100,"refillPerSecond":50}}',
    },
  });
  assert.equal(config.delivery.enabled, false);
  assert.equal(config.delivery.guards.keyPrefix, 'prod:guard:');
  assert.deepEqual(config.delivery.guards.quietHours, { sms: { from: '21:00', to: '08:00' } });
  assert.deepEqual(config.delivery.guards.rateLimits.sms, { capacity: 100, refillPerSecond: 50 });
});

test('a bad guard setting stops the start with the field named', () => {
  assert.throws(
    () =>
      loadConfig({
        env: {},
        overrides: { delivery: { guards: { defaultTimeZone: 'Mars/Olympus' } } },
      }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.details.field === 'delivery.guards.defaultTimeZone' &&
      /must be an IANA time zone/.test(error.message),
  );
  assert.throws(
    () =>
      loadConfig({
        env: {},
        overrides: {
          delivery: { guards: { quietHours: { sms: { from: '21:00', to: '21:00' } } } },
        },
      }),
    /delivery\.guards\.quietHours\.sms\.to/,
  );
  assert.throws(
    () => loadConfig({ env: {}, overrides: { delivery: { batchSize: 0 } } }),
    /delivery\.batchSize must be >= 1/,
  );
});
