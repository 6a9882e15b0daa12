import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startFakeProviders } from '../../../src/embedded/index.js';
import type { FakeProviders } from '../../../src/embedded/index.js';
import { ManualClock } from './support/runtime.js';

async function withFakes(
  run: (fakes: FakeProviders) => Promise<void>,
  options: Parameters<typeof startFakeProviders>[0] = {},
): Promise<void> {
  const fakes = await startFakeProviders(options);
  try {
    await run(fakes);
  } finally {
    await fakes.stop();
  }
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function signed(secret: string, timestamp: number, body: string): Record<string, string> {
  return {
    'x-touchstream-timestamp': String(timestamp),
    'x-touchstream-signature': createHmac('sha256', secret)
      .update(`${timestamp}.${body}`)
      .digest('hex'),
  };
}

const smsBody = JSON.stringify({
  commandId: 'c1',
  customerId: 'u1',
  phone: '+8613800138000',
  templateCode: 'SMS_1',
  params: {},
});

describe('fake providers', () => {
  it('accepts each idempotency key once under concurrent duplicates and answers duplicates alike', () =>
    withFakes(async (fakes) => {
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          post(
            fakes.endpoints.coupon,
            { commandId: `c${i % 50}`, customerId: 'u1', couponTemplate: 'CPN', params: {} },
            { 'idempotency-key': `c${i % 50}` },
          ).then((answer) => ({ key: `c${i % 50}`, ...answer })),
        ),
      );
      assert.equal(fakes.received('coupon').length, 200);
      assert.equal(fakes.accepted('coupon').length, 50);
      const idByKey = new Map<string, unknown>();
      for (const { key, status, body } of answers) {
        assert.equal(status, 200);
        assert.equal(idByKey.get(key) ?? body.couponId, body.couponId);
        idByKey.set(key, body.couponId);
      }
      assert.equal(new Set(idByKey.values()).size, 50);
    }));

  it('verifies the SMS signature and refuses timestamps older than 5 minutes', () =>
    withFakes(
      async (fakes) => {
        const now = Date.now();
        const fresh = await post(fakes.endpoints.sms, smsBody, signed('k', now - 60_000, smsBody));
        assert.equal(fresh.status, 200);
        const stale = await post(fakes.endpoints.sms, smsBody, signed('k', now - 301_000, smsBody));
        assert.deepEqual(stale, { status: 401, body: { error: 'stale timestamp' } });
        const tampered = smsBody.replace('SMS_1', 'SMS_2');
        const forged = await post(fakes.endpoints.sms, tampered, signed('k', now, smsBody));
        assert.deepEqual(forged, { status: 401, body: { error: 'bad signature' } });
        const unsigned = await post(fakes.endpoints.sms, smsBody);
        assert.equal(unsigned.status, 401);
        assert.equal(fakes.accepted('sms').length, 1);
      },
      { smsSigningSecret: 'k' },
    ));

  it('checks JPush Basic auth and the audience', () =>
    withFakes(async (fakes) => {
      const body = {
        platform: 'all',
        audience: { registration_id: ['r1'] },
        notification: { alert: 'hi' },
      };
      const noAuth = await post(`${fakes.url}/v3/push`, body);
      assert.deepEqual(noAuth, {
        status: 401,
        body: { error: { code: 1004, message: 'Authen failed' } },
      });
      const auth = `Basic ${Buffer.from('fake-app-key:fake-master-secret').toString('base64')}`;
      const noTarget = await post(
        `${fakes.url}/v3/push`,
        { ...body, audience: { registration_id: [] } },
        { authorization: auth },
      );
      assert.equal(noTarget.status, 400);
      assert.equal((noTarget.body.error as { code: number }).code, 1011);
      const ok = await post(`${fakes.url}/v3/push`, body, { authorization: auth });
      assert.equal(ok.status, 200);
      assert.equal(typeof ok.body.msg_id, 'string');
    }));

  it('issues WeChat tokens that expire after wechatTokenTtlS on its clock', async () => {
    const clock = new ManualClock(Date.now());
    await withFakes(
      async (fakes) => {
        const wrong = await fetch(
          `${fakes.url}/cgi-bin/token?grant_type=client_credential&appid=wx-fake-app&secret=nope`,
        );
        assert.equal(((await wrong.json()) as { errcode: number }).errcode, 40125);
        const issued = (await (
          await fetch(
            `${fakes.url}/cgi-bin/token?grant_type=client_credential&appid=wx-fake-app&secret=fake-app-secret`,
          )
        ).json()) as { access_token: string; expires_in: number };
        assert.equal(issued.expires_in, 60);
        const send = (token: string) =>
          post(`${fakes.url}/cgi-bin/message/template/send?access_token=${token}`, {
            touser: 'oAbC_123456',
            template_id: 't1',
            data: {},
          });
        assert.equal((await send(issued.access_token)).body.errcode, 0);
        assert.equal((await send('made-up')).body.errcode, 40001);
        clock.advance(60_000);
        assert.equal((await send(issued.access_token)).body.errcode, 42001);
        assert.equal(fakes.wechatTokenFetches(), 1);
      },
      { wechatTokenTtlS: 60, now: clock.now },
    );
  });

  it('fails the next n requests of one channel only, then answers normally', () =>
    withFakes(async (fakes) => {
      fakes.failNext('coupon', 2, { status: 502 });
      const coupon = () =>
        post(fakes.endpoints.coupon, { commandId: 'c', customerId: 'u', couponTemplate: 'T' });
      assert.equal((await coupon()).status, 502);
      assert.equal((await coupon()).status, 502);
      assert.equal((await coupon()).status, 200);
      fakes.failNext('coupon', 5);
      fakes.failNext('coupon', 0);
      assert.equal((await coupon()).status, 200);
    }));

  it('delays answers by the channel latency and stops with answers still pending', () =>
    withFakes(async (fakes) => {
      fakes.setLatency('coupon', 150);
      const started = performance.now();
      const answer = await post(fakes.endpoints.coupon, {
        commandId: 'c',
        customerId: 'u',
        couponTemplate: 'T',
      });
      assert.equal(answer.status, 200);
      assert.ok(performance.now() - started >= 140);
      fakes.setLatency('coupon', 60_000);
      const pending = fetch(fakes.endpoints.coupon, { method: 'POST', body: '{}' }).catch(
        (e: unknown) => e,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      await fakes.stop();
      await fakes.stop();
      assert.ok((await pending) instanceof Error);
    }));

  it('answers 404 for routes no provider has', () =>
    withFakes(async (fakes) => {
      assert.equal((await fetch(`${fakes.url}/v2/push`, { method: 'POST' })).status, 404);
      assert.equal((await fetch(`${fakes.url}/v3/push`)).status, 404);
    }));
});
