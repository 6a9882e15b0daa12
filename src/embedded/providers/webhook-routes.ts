import { createHmac, timingSafeEqual } from 'node:crypto';
import { header, isObject, isText } from './body-checks.js';
import type { ChannelRoute, FakeCredentials, ProviderAnswer, ProviderRequest } from './types.js';

function refusal(status: number, error: string): ProviderAnswer {
  return { status, body: { error } };
}

function signatureMatches(secret: string, timestamp: string, body: string, given: string) {
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  const actual = Buffer.from(given, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * POST /sms/send, a signed webhook: X-Touchstream-Signature is hex HMAC-SHA256(secret,
 * `${X-Touchstream-Timestamp}.${body}`); a timestamp more than maxAgeMs away from now is refused
 * so a captured request cannot be replayed.
 */
export function smsRoute(
  credentials: FakeCredentials,
  now: () => number,
  maxAgeMs: number,
): ChannelRoute {
  return {
    channel: 'sms',
    path: '/sms/send',
    refuse(request: ProviderRequest) {
      const timestamp = header(request.headers, 'x-touchstream-timestamp');
      const signature = header(request.headers, 'x-touchstream-signature');
      if (timestamp === null || signature === null || !/^\d+$/.test(timestamp))
        return refusal(401, 'missing or malformed signature headers');
      if (!signatureMatches(credentials.smsSigningSecret, timestamp, request.rawBody, signature))
        return refusal(401, 'bad signature');
      if (Math.abs(now() - Number(timestamp)) > maxAgeMs) return refusal(401, 'stale timestamp');
      const body = request.body;
      if (!isObject(body) || !isText(body.commandId) || !isText(body.phone))
        return refusal(400, 'commandId and phone are required');
      if (!isText(body.templateCode)) return refusal(400, 'templateCode is required');
      return null;
    },
    idempotencyKey: (request) => header(request.headers, 'idempotency-key'),
    accept: (messageId) => ({ status: 200, body: { messageId } }),
    messageId: (n) => `sms-${n}`,
    defaultFailure: refusal(503, 'service unavailable (injected)'),
  };
}

/** POST /coupon/issue `{commandId, customerId, couponTemplate, params}` -> `{couponId}`. */
export function couponRoute(): ChannelRoute {
  return {
    channel: 'coupon',
    path: '/coupon/issue',
    refuse(request: ProviderRequest) {
      const body = request.body;
      if (!isObject(body) || !isText(body.commandId) || !isText(body.customerId))
        return refusal(400, 'commandId and customerId are required');
      if (!isText(body.couponTemplate)) return refusal(400, 'couponTemplate is required');
      return null;
    },
    idempotencyKey: (request) => header(request.headers, 'idempotency-key'),
    accept: (messageId) => ({ status: 200, body: { couponId: messageId } }),
    messageId: (n) => `coupon-${n}`,
    defaultFailure: refusal(503, 'service unavailable (injected)'),
  };
}
