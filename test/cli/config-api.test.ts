import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/cli/config/index.js';

function refusal(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail('the config should have been refused');
}

test('API tokens default to none and are read from a JSON array in the environment', () => {
  assert.deepEqual(loadConfig({ env: {} }).api.tokens, []);
  const config = loadConfig({
    env: {
      TOUCHSTREAM_API_TOKENS:
        '[{"token":"s3cret-author","role":"author"},{"token":"viewer-token","role":"viewer"}]',
    },
  });
  assert.deepEqual(config.api.tokens, [
    { token: 's3cret-author', role: 'author' },
    { token: 'viewer-token', role: 'viewer' },
  ]);
  assert.equal(config.api.forwardTimeoutMs, 5_000);
  assert.equal(config.timeline.maxEntries, 1_000);
  assert.equal(config.topics.feedback, 'touchstream.delivery-feedback');
});

test('a bad token entry is refused with the field and its source named', () => {
  const badRole = refusal(() =>
    loadConfig({ env: { TOUCHSTREAM_API_TOKENS: '[{"token":"long-enough","role":"admin"}]' } }),
  );
  assert.equal(badRole.details.field, 'api.tokens.0.role');
  assert.match(
    badRole.message,
    /api\.tokens\.0\.role must be one of "viewer", "operator", "author"/,
  );
  assert.match(badRole.message, /TOUCHSTREAM_API_TOKENS/);
  const short = refusal(() =>
    loadConfig({ env: {}, overrides: { api: { tokens: [{ token: 'short', role: 'viewer' }] } } }),
  );
  assert.equal(short.details.field, 'api.tokens.0.token');
  const missing = refusal(() =>
    loadConfig({ env: {}, overrides: { api: { tokens: [{ token: 'long-enough' }] } } }),
  );
  assert.match(missing.message, /api\.tokens\.0 must have required property 'role'/);
  const notJson = refusal(() => loadConfig({ env: { TOUCHSTREAM_API_TOKENS: '[oops' } }));
  assert.equal(notJson.details.field, 'api.tokens');
});

test('the advertised API address must be a base URL', () => {
  assert.equal(
    loadConfig({ env: { TOUCHSTREAM_API_ADVERTISED_ADDRESS: 'http://engine-2.internal:8080' } }).api
      .advertisedAddress,
    'http://engine-2.internal:8080',
  );
  const hostPort = refusal(() =>
    loadConfig({ env: { TOUCHSTREAM_API_ADVERTISED_ADDRESS: 'engine-2:8080' } }),
  );
  assert.equal(hostPort.details.field, 'api.advertisedAddress');
  const zero = refusal(() => loadConfig({ env: {}, overrides: { timeline: { maxEntries: 0 } } }));
  assert.equal(zero.details.field, 'timeline.maxEntries');
});
