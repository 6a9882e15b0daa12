import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidChannelConfigError, validateChannelConfig } from '../../../src/sinks/index.js';

const sms = {
  url: 'https://sms.example.com/send/',
  signingSecret: 's3cret',
  templates: { renewal: { templateCode: 'SMS_1' } },
};

function rejects(input: unknown, path: string, problem?: RegExp): void {
  assert.throws(
    () => validateChannelConfig(input),
    (error: unknown) => {
      assert.ok(error instanceof InvalidChannelConfigError, String(error));
      assert.equal(error.code, 'TS_SINK_INVALID_CHANNEL_CONFIG');
      assert.equal(error.details.path, path, error.message);
      if (problem !== undefined) assert.match(error.message, problem);
      return true;
    },
  );
}

test('fills the documented defaults', () => {
  const config = validateChannelConfig({});
  assert.deepEqual(config, {
    http: {
      timeoutMs: 5_000,
      retry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 },
      breaker: { failureThreshold: 5, cooldownMs: 30_000 },
    },
  });
  const wechat = validateChannelConfig({
    wechat: { baseUrl: 'https://api.weixin.qq.com', appId: 'wx1', appSecret: 's', templates: {} },
  }).wechat!;
  assert.equal(wechat.tokenRefreshMarginMs, 300_000);
});

test('gives every channel the global http settings overridden by its own', () => {
  const config = validateChannelConfig({
    http: { timeoutMs: 2_000, retry: { maxAttempts: 6 } },
    sms: { ...sms, http: { retry: { baseDelayMs: 50 }, breaker: { cooldownMs: 1_000 } } },
    kafka: { 'agent-call': { topic: 'agent.calls' } },
  });
  assert.deepEqual(config.sms!.http, {
    timeoutMs: 2_000,
    retry: { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 5_000 },
    breaker: { failureThreshold: 5, cooldownMs: 1_000 },
  });
  assert.deepEqual(config.kafka!['agent-call'].http, config.http);
});

test('drops a trailing slash from provider URLs', () => {
  assert.equal(validateChannelConfig({ sms }).sms!.url, 'https://sms.example.com/send');
});

test('returns a deep-frozen copy and leaves the input alone', () => {
  const input = { sms };
  const config = validateChannelConfig(input);
  assert.ok(Object.isFrozen(config.sms!.templates.renewal));
  assert.ok(Object.isFrozen(config.http.retry));
  assert.equal('http' in input.sms, false);
});

test('names the field that is missing', () => {
  rejects({ sms: { url: sms.url, templates: {} } }, 'channels.sms.signingSecret', /is required/);
  rejects(
    {
      push: {
        baseUrl: 'https://api.jpush.cn',
        appKey: 'k',
        masterSecret: 's',
        templates: { a: { title: 't' } },
      },
    },
    'channels.push.templates.a.alert',
  );
});

test('names a field it does not know', () => {
  rejects(
    { sms: { ...sms, signingsecret: 'typo' } },
    'channels.sms.signingsecret',
    /not a known field/,
  );
  rejects({ http: { retries: 3 } }, 'channels.http.retries');
});

test('names a value of the wrong kind', () => {
  rejects({ http: { timeoutMs: 0 } }, 'channels.http.timeoutMs');
  rejects({ http: { retry: { maxAttempts: 1.5 } } }, 'channels.http.retry.maxAttempts');
  rejects({ sms: { ...sms, url: 'sms.example.com' } }, 'channels.sms.url', /http\(s\) URL/);
  rejects(
    { coupon: { url: 'http://c', templates: { a: { couponTemplate: '' } } } },
    'channels.coupon.templates.a.couponTemplate',
  );
  rejects({ kafka: { calls: { topic: 'no spaces allowed' } } }, 'channels.kafka.calls.topic');
});

test('refuses a backoff cap below the base delay, on the channel where it happens', () => {
  rejects(
    { sms: { ...sms, http: { retry: { baseDelayMs: 10_000 } } } },
    'channels.sms.http.retry.maxDelayMs',
    /at least retry.baseDelayMs/,
  );
});

test('refuses a Kafka-delivered channel named like a built-in one or oddly', () => {
  rejects({ kafka: { sms: { topic: 't' } } }, 'channels.kafka.sms', /built-in/);
  rejects({ kafka: { 'Agent Call': { topic: 't' } } }, 'channels.kafka.Agent Call');
});

test('refuses input that is not an object', () => {
  rejects('push', 'channels');
  rejects({ push: [] }, 'channels.push');
});

test('never shows a credential in its error, even when the credential is the bad value', () => {
  assert.throws(
    () => validateChannelConfig({ sms: { ...sms, signingSecret: 12345678 } }),
    (error: unknown) => {
      assert.ok(error instanceof InvalidChannelConfigError);
      assert.equal(error.details.path, 'channels.sms.signingSecret');
      assert.doesNotMatch(error.message, /12345678/);
      assert.equal(error.details.value, '<redacted>');
      return true;
    },
  );
});
