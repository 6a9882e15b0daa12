import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { AcceptedMessage } from '../../../src/embedded/index.js';
import { startFakeProviders } from '../../../src/embedded/index.js';
import { SmsAdapter, smsSignature, validateChannelConfig } from '../../../src/sinks/index.js';
import { adapterConformance } from './adapter-conformance.js';
import type { AdapterOverrides } from './adapter-conformance.js';
import { touchCommand } from './support/commands.js';
import { channelConfigFor } from './support/configs.js';
import { FakeProviderFixture } from './support/provider-fixture.js';

function smsAdapter(fakes: FakeProviderFixture['fakes'], overrides: AdapterOverrides = {}) {
  const config = validateChannelConfig(channelConfigFor(fakes, 'sms', overrides.http));
  return new SmsAdapter(config.sms!, overrides);
}

adapterConformance({
  name: 'sms (signed webhook)',
  channel: 'sms',
  start: () => FakeProviderFixture.start('sms'),
  makeAdapter: (fixture, overrides) => smsAdapter(fixture.fakes, overrides),
  makeCommand: (overrides) => touchCommand({ channel: 'sms', ...overrides }),
  contactField: 'phone',
  assertDelivered(message, command) {
    const { body, headers } = message as AcceptedMessage;
    assert.deepEqual(body, {
      commandId: command.commandId,
      customerId: command.customerId,
      phone: command.phone,
      templateCode: 'SMS_RENEWAL_30D',
      params: command.params,
    });
    assert.equal(headers['idempotency-key'], command.commandId);
  },
});

describe('sms adapter', () => {
  it('signs timestamp.body with HMAC-SHA256 so the receiver can verify it', async () => {
    const fakes = await startFakeProviders({ smsSigningSecret: 'gateway-secret' });
    try {
      const now = Date.now();
      const result = await smsAdapter(fakes, { now: () => now }).send(
        touchCommand({ channel: 'sms' }),
      );
      assert.equal(result.status, 'sent');
      const [request] = fakes.received('sms');
      assert.equal(request.headers['x-touchstream-timestamp'], String(now));
      const expected = createHmac('sha256', 'gateway-secret')
        .update(`${now}.${request.rawBody}`)
        .digest('hex');
      assert.equal(request.headers['x-touchstream-signature'], expected);
      assert.equal(smsSignature('gateway-secret', now, request.rawBody), expected);
    } finally {
      await fakes.stop();
    }
  });

  it('is refused, not retried, when its clock is more than 5 minutes behind the gateway', async () => {
    const fakes = await startFakeProviders();
    try {
      const late = Date.now() - 5 * 60_000 - 1_000;
      const result = await smsAdapter(fakes, { now: () => late }).send(
        touchCommand({ channel: 'sms' }),
      );
      assert.ok(result.status === 'failed');
      assert.equal(result.code, 'TS_SINK_PROVIDER_REJECTED');
      assert.match(result.reason, /stale timestamp/);
      assert.equal(fakes.received('sms').length, 1);
      assert.deepEqual(fakes.accepted('sms'), []);
    } finally {
      await fakes.stop();
    }
  });

  it('is refused when signed with another secret', async () => {
    const fakes = await startFakeProviders({ smsSigningSecret: 'right' });
    try {
      const config = validateChannelConfig({
        sms: { ...channelConfigFor(fakes, 'sms').sms!, signingSecret: 'wrong' },
      });
      const result = await new SmsAdapter(config.sms!).send(touchCommand({ channel: 'sms' }));
      assert.ok(result.status === 'failed');
      assert.equal(result.retryable, false);
      assert.match(result.reason, /bad signature/);
    } finally {
      await fakes.stop();
    }
  });
});
