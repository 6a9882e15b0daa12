import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AcceptedMessage } from '../../../src/embedded/index.js';
import { startFakeProviders } from '../../../src/embedded/index.js';
import { CouponAdapter, validateChannelConfig } from '../../../src/sinks/index.js';
import { adapterConformance } from './adapter-conformance.js';
import type { AdapterOverrides } from './adapter-conformance.js';
import { touchCommand } from './support/commands.js';
import { channelConfigFor } from './support/configs.js';
import { FakeProviderFixture } from './support/provider-fixture.js';

function couponAdapter(fakes: FakeProviderFixture['fakes'], overrides: AdapterOverrides = {}) {
  const config = validateChannelConfig(channelConfigFor(fakes, 'coupon', overrides.http));
  return new CouponAdapter(config.coupon!, overrides);
}

adapterConformance({
  name: 'coupon (webhook)',
  channel: 'coupon',
  start: () => FakeProviderFixture.start('coupon'),
  makeAdapter: (fixture, overrides) => couponAdapter(fixture.fakes, overrides),
  makeCommand: (overrides) => touchCommand({ channel: 'coupon', ...overrides }),
  assertDelivered(message, command) {
    const { body, headers } = message as AcceptedMessage;
    assert.deepEqual(body, {
      commandId: command.commandId,
      customerId: command.customerId,
      couponTemplate: 'CPN-RENEW-50',
      params: command.params,
    });
    assert.equal(headers['idempotency-key'], command.commandId);
  },
});

describe('coupon adapter', () => {
  it('needs no contact: a customer with no phone, openid or device still gets a coupon', async () => {
    const fakes = await startFakeProviders();
    try {
      const command = touchCommand({
        channel: 'coupon',
        phone: null,
        openid: null,
        pushRegistrationId: null,
      });
      const adapter = couponAdapter(fakes);
      assert.equal(adapter.check(command), undefined);
      const result = await adapter.send(command);
      assert.ok(result.status === 'sent');
      assert.equal(result.providerMessageId, fakes.accepted('coupon')[0].messageId);
    } finally {
      await fakes.stop();
    }
  });

  it('sends a command again after a crash without issuing a second coupon', async () => {
    const fakes = await startFakeProviders();
    try {
      const command = touchCommand({ channel: 'coupon' });
      const first = await couponAdapter(fakes).send(command);
      const again = await couponAdapter(fakes).send(command);
      assert.ok(first.status === 'sent' && again.status === 'sent');
      assert.equal(again.providerMessageId, first.providerMessageId);
      assert.equal(fakes.received('coupon').length, 2);
      assert.equal(fakes.accepted('coupon').length, 1);
    } finally {
      await fakes.stop();
    }
  });
});
