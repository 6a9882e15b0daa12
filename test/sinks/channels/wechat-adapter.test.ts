import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import type { AcceptedMessage, FakeProviders } from '../../../src/embedded/index.js';
import { startFakeProviders } from '../../../src/embedded/index.js';
import { WechatAdapter, validateChannelConfig } from '../../../src/sinks/index.js';
import type { TouchCommand } from '../../../src/sinks/index.js';
import { openRedis, unreachableRedis } from '../guards/redis-fixture.js';
import type { RedisFixture } from '../guards/redis-fixture.js';
import { adapterConformance } from './adapter-conformance.js';
import type { AdapterOverrides } from './adapter-conformance.js';
import { touchCommand } from './support/commands.js';
import { channelConfigFor } from './support/configs.js';
import { FakeProviderFixture } from './support/provider-fixture.js';
import { waitFor } from '../../runtime/kafka/support/wait.js';

function wechatAdapter(
  fakes: FakeProviders,
  redis: { redis: Redis; prefix: string },
  overrides: AdapterOverrides & { section?: Record<string, unknown> } = {},
) {
  const base = channelConfigFor(fakes, 'wechat', overrides.http).wechat as Record<string, unknown>;
  const config = validateChannelConfig({ wechat: { ...base, ...overrides.section } });
  return new WechatAdapter(config.wechat!, {
    ...overrides,
    redis: redis.redis,
    keyPrefix: redis.prefix,
  });
}

function wechatCommand(overrides: Partial<TouchCommand> = {}): TouchCommand {
  return touchCommand({ channel: 'wechat', ...overrides });
}

/** The fake WeChat plus a Redis key prefix of its own for the token. */
class WechatFixture extends FakeProviderFixture {
  private constructor(
    fakes: FakeProviders,
    readonly redis: RedisFixture,
  ) {
    super(fakes, 'wechat');
  }

  static async open(): Promise<WechatFixture> {
    return new WechatFixture(await startFakeProviders(), await openRedis());
  }

  override async close(): Promise<void> {
    await super.close();
    await this.redis.close();
  }
}

adapterConformance({
  name: 'wechat (template message)',
  channel: 'wechat',
  start: () => WechatFixture.open(),
  makeAdapter: (fixture, overrides) => wechatAdapter(fixture.fakes, fixture.redis, overrides),
  makeCommand: wechatCommand,
  contactField: 'openid',
  assertDelivered(message, command) {
    const { body } = message as AcceptedMessage;
    assert.deepEqual(body, {
      touser: command.openid,
      template_id: 'tmpl-renewal-01',
      url: 'https://m.example.com/renew/P-778',
      data: {
        policyNo: { value: 'P-778' },
        daysLeft: { value: '30' },
        vip: { value: 'true' },
        note: { value: '' },
      },
      client_msg_id: command.commandId,
    });
  },
});

describe('wechat adapter access token', () => {
  let fakes: FakeProviders;
  let redis: RedisFixture;

  beforeEach(async () => {
    fakes = await startFakeProviders();
    redis = await openRedis();
  });

  afterEach(async () => {
    await fakes.stop();
    await redis.close();
  });

  it('is fetched once and shared through Redis by two adapter instances', async () => {
    const a = wechatAdapter(fakes, redis);
    const b = wechatAdapter(fakes, redis);
    // Both start cold and concurrently: the Redis lock keeps them from fetching one each.
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).send(wechatCommand())),
    );
    assert.ok(results.every((r) => r.status === 'sent'));
    assert.equal(fakes.wechatTokenFetches(), 1);
    assert.equal(fakes.accepted('wechat').length, 20);
  });

  it('is cached in Redis for expires_in minus the refresh margin', async () => {
    await wechatAdapter(fakes, redis).send(wechatCommand());
    const key = `${redis.prefix}wechat:token:${fakes.credentials.wechatAppId}`;
    const ttl = await redis.redis.pttl(key);
    assert.ok(ttl <= 7_200_000 - 300_000 && ttl > 7_200_000 - 300_000 - 10_000, String(ttl));
  });

  it('is fetched again once the cached one has expired', async () => {
    const short = await startFakeProviders({ wechatTokenTtlS: 1 });
    try {
      const adapter = wechatAdapter(short, redis, { section: { tokenRefreshMarginMs: 800 } });
      await adapter.send(wechatCommand());
      const key = `${redis.prefix}wechat:token:${short.credentials.wechatAppId}`;
      await waitFor(async () => (await redis.redis.exists(key)) === 0, {
        timeoutMs: 2_000,
        intervalMs: 20,
        what: 'the cached token to expire in Redis',
      });
      const result = await adapter.send(wechatCommand());
      assert.equal(result.status, 'sent');
      assert.equal(short.wechatTokenFetches(), 2);
      assert.ok(short.received('wechat').every((r) => r.status === 200));
      assert.equal(short.accepted('wechat').length, 2);
    } finally {
      await short.stop();
    }
  });

  it('is refreshed after WeChat answers invalid token (40001), and the send is retried once', async () => {
    const adapter = wechatAdapter(fakes, redis);
    await adapter.send(wechatCommand());
    fakes.revokeWechatToken();
    const result = await adapter.send(wechatCommand());
    assert.equal(result.status, 'sent');
    assert.equal(result.attempts, 1);
    assert.equal(fakes.wechatTokenFetches(), 2);
    const errcodes = fakes.received('wechat').map((r) => (r.answer as { errcode: number }).errcode);
    assert.deepEqual(errcodes, [0, 40001, 0]);
    assert.equal(fakes.accepted('wechat').length, 2);
  });

  it('is refreshed after WeChat answers token expired (42001)', async () => {
    const adapter = wechatAdapter(fakes, redis);
    await adapter.send(wechatCommand());
    fakes.expireWechatToken();
    const result = await adapter.send(wechatCommand());
    assert.equal(result.status, 'sent');
    assert.equal(fakes.wechatTokenFetches(), 2);
  });

  it('is taken from Redis, not fetched again, by an instance whose copy another instance replaced', async () => {
    const a = wechatAdapter(fakes, redis);
    const b = wechatAdapter(fakes, redis);
    await a.send(wechatCommand());
    await b.send(wechatCommand());
    fakes.revokeWechatToken();
    assert.equal((await a.send(wechatCommand())).status, 'sent');
    assert.equal((await b.send(wechatCommand())).status, 'sent');
    assert.equal(fakes.wechatTokenFetches(), 2);
  });

  it('fails without retry (TS_SINK_TOKEN_FETCH_FAILED) when WeChat refuses the app secret', async () => {
    const adapter = wechatAdapter(fakes, redis, { section: { appSecret: 'not-the-secret' } });
    const result = await adapter.send(wechatCommand());
    assert.ok(result.status === 'failed');
    assert.equal(result.code, 'TS_SINK_TOKEN_FETCH_FAILED');
    assert.equal(result.retryable, false);
    assert.equal(result.attempts, 1);
    assert.match(result.reason, /40125/);
    assert.equal(fakes.received('wechat').length, 0);
  });

  it('fails retryably when Redis cannot be reached, without sending', async () => {
    const down = unreachableRedis();
    try {
      const adapter = wechatAdapter(
        fakes,
        { redis: down, prefix: redis.prefix },
        { sleep: async () => {}, http: { retry: { maxAttempts: 2 } } },
      );
      const result = await adapter.send(wechatCommand());
      assert.ok(result.status === 'failed');
      assert.equal(result.code, 'TS_SINK_RETRIES_EXHAUSTED');
      assert.equal(result.retryable, true);
      assert.match(result.reason, /Redis/);
      assert.equal(fakes.received('wechat').length, 0);
    } finally {
      down.disconnect();
    }
  });
});

describe('wechat adapter answers', () => {
  it('retries errcode 45009 (API limit) and -1 (busy) but not 40003 (invalid openid)', async () => {
    const fakes = await startFakeProviders();
    const redis = await openRedis();
    try {
      const adapter = wechatAdapter(fakes, redis, { sleep: async () => {} });
      fakes.failNext('wechat', 1, {
        status: 200,
        body: { errcode: 45009, errmsg: 'reach max api daily quota limit' },
      });
      assert.equal((await adapter.send(wechatCommand())).attempts, 2);
      fakes.failNext('wechat', 1, { status: 200, body: { errcode: -1, errmsg: 'system error' } });
      assert.equal((await adapter.send(wechatCommand())).attempts, 2);
      const invalid = await adapter.send(wechatCommand({ openid: 'bad!' }));
      assert.ok(invalid.status === 'failed');
      assert.equal(invalid.retryable, false);
      assert.match(invalid.reason, /40003/);
    } finally {
      await fakes.stop();
      await redis.close();
    }
  });
});
