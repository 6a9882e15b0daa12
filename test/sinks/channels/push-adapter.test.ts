import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AcceptedMessage } from '../../../src/embedded/index.js';
import { startFakeProviders } from '../../../src/embedded/index.js';
import { PushAdapter, sendnoFor, validateChannelConfig } from '../../../src/sinks/index.js';
import { adapterConformance } from './adapter-conformance.js';
import type { AdapterOverrides } from './adapter-conformance.js';
import { touchCommand } from './support/commands.js';
import { channelConfigFor } from './support/configs.js';
import { FakeProviderFixture } from './support/provider-fixture.js';

function pushAdapter(fakes: FakeProviderFixture['fakes'], overrides: AdapterOverrides = {}) {
  const config = validateChannelConfig(channelConfigFor(fakes, 'push', overrides.http));
  return new PushAdapter(config.push!, overrides);
}

adapterConformance({
  name: 'push (JPush v3)',
  channel: 'push',
  start: () => FakeProviderFixture.start('push'),
  makeAdapter: (fixture, overrides) => pushAdapter(fixture.fakes, overrides),
  makeCommand: (overrides) => touchCommand({ channel: 'push', ...overrides }),
  contactField: 'pushRegistrationId',
  assertDelivered(message, command) {
    const { body, headers } = message as AcceptedMessage;
    const extras = { ...command.params, commandId: command.commandId };
    const alert = 'Policy P-778 renews in 30 days';
    assert.deepEqual(body, {
      platform: 'all',
      audience: { registration_id: [command.pushRegistrationId] },
      notification: {
        alert,
        android: { alert, title: 'Renewal due', extras },
        ios: { alert, extras },
      },
      options: { sendno: sendnoFor(command.commandId), time_to_live: 86_400 },
    });
    assert.equal(headers['x-idempotency-key'], command.commandId);
  },
});

describe('push adapter', () => {
  it('authenticates with HTTP Basic base64(appKey:masterSecret)', async () => {
    const fakes = await startFakeProviders({ pushAppKey: 'k-42', pushMasterSecret: 's-secret' });
    try {
      const result = await pushAdapter(fakes).send(touchCommand());
      assert.equal(result.status, 'sent');
      const [request] = fakes.received('push');
      assert.equal(
        request.headers.authorization,
        `Basic ${Buffer.from('k-42:s-secret').toString('base64')}`,
      );
    } finally {
      await fakes.stop();
    }
  });

  it('reports wrong credentials as rejected with the JPush error code', async () => {
    const fakes = await startFakeProviders({ pushMasterSecret: 'the-real-one' });
    try {
      const config = validateChannelConfig({
        push: { ...channelConfigFor(fakes, 'push').push!, masterSecret: 'a-stale-one' },
      });
      const result = await new PushAdapter(config.push!).send(touchCommand());
      assert.equal(result.status, 'failed');
      assert.ok(result.status === 'failed');
      assert.equal(result.code, 'TS_SINK_PROVIDER_REJECTED');
      assert.equal(result.retryable, false);
      assert.match(result.reason, /JPush error 1004/);
      assert.deepEqual(fakes.accepted('push'), []);
    } finally {
      await fakes.stop();
    }
  });

  it('retries a JPush rate-limit answer (2002) even though it comes as a 4xx', async () => {
    const fakes = await startFakeProviders();
    try {
      fakes.failNext('push', 1, {
        status: 403,
        body: { error: { code: 2002, message: 'API rate limit' } },
      });
      const adapter = pushAdapter(fakes, { sleep: async () => {} });
      const result = await adapter.send(touchCommand());
      assert.equal(result.status, 'sent');
      assert.equal(result.attempts, 2);
    } finally {
      await fakes.stop();
    }
  });

  it('gives the provider message id JPush answered with', async () => {
    const fakes = await startFakeProviders();
    try {
      const result = await pushAdapter(fakes).send(touchCommand());
      assert.ok(result.status === 'sent');
      assert.equal(result.providerMessageId, fakes.accepted('push')[0].messageId);
    } finally {
      await fakes.stop();
    }
  });
});
