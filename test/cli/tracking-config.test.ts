import { test } from 'node:test';
import assert from 'node:assert/strict';
import { campaignOptions, commandRecordPrefix, loadConfig } from '../../src/cli/config/index.js';

test('tracking is on by default, in Asia/Shanghai, with no conversions and no callback channels', () => {
  const config = loadConfig({ env: {} });
  assert.equal(config.tracking.enabled, true);
  assert.deepEqual(campaignOptions(config), {
    conversions: [],
    timeZone: 'Asia/Shanghai',
    maxOpenTouches: 20,
    statsRetentionMs: 400 * 86_400_000,
  });
  assert.deepEqual(config.tracking.callbacks.channels, {});
  assert.equal(commandRecordPrefix(config), 'touchstream:commands:');
  assert.equal(
    campaignOptions(loadConfig({ overrides: { tracking: { enabled: false } } })),
    undefined,
  );
});

test('conversions and callback channels come from the environment as JSON', () => {
  const config = loadConfig({
    env: {
      TOUCHSTREAM_TRACKING_CONVERSIONS:
        '[{"trigger":"renewal-reminder","event":"policy.renewed","window":"30d"},{"trigger":"app-nudge","event":"behaviour","action":"quote","window":"2h"}]',
      TOUCHSTREAM_TRACKING_CALLBACKS_CHANNELS: '{"sms":{"secret":"0123456789abcdef"}}',
      TOUCHSTREAM_TRACKING_TIME_ZONE: 'UTC',
    },
  });
  assert.deepEqual(campaignOptions(config)?.conversions, [
    { trigger: 'renewal-reminder', event: 'policy.renewed', windowMs: 30 * 86_400_000 },
    { trigger: 'app-nudge', event: 'behaviour', action: 'quote', windowMs: 2 * 3_600_000 },
  ]);
  assert.equal(campaignOptions(config)?.timeZone, 'UTC');
  assert.deepEqual(config.tracking.callbacks.channels, { sms: { secret: '0123456789abcdef' } });
});

test('a bad tracking setting stops the start with the field named', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ timeZone: 'Mars/Olympus' }, /tracking\.timeZone/],
    [
      { conversions: [{ trigger: 't', event: 'e', window: '30 days' }] },
      /tracking\.conversions\.0\.window/,
    ],
    [{ conversions: [{ trigger: 't', window: '1d' }] }, /tracking\.conversions\.0/],
    [
      { callbacks: { channels: { fax: { secret: '0123456789' } } } },
      /tracking\.callbacks\.channels/,
    ],
    [
      { callbacks: { channels: { sms: { secret: 'short' } } } },
      /tracking\.callbacks\.channels\.sms\.secret/,
    ],
  ];
  for (const [tracking, field] of cases) {
    assert.throws(
      () => loadConfig({ overrides: { tracking } }),
      (error: Error & { code?: string }) =>
        error.code === 'TS_CONFIG_INVALID' && field.test(error.message),
      JSON.stringify(tracking),
    );
  }
});
