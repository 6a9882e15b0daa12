/**
 * How a callback proves it comes from the channel's provider, one scheme per accepted shape:
 *
 * - plain receipts: `x-touchstream-timestamp` (epoch ms) and `x-touchstream-signature`, the hex
 *   HMAC-SHA256 of `${timestamp}.${raw body}` under the channel's secret (the scheme the SMS
 *   adapter signs its own webhooks with). The timestamp is signed, so an old request cannot be
 *   replayed with a new one, and must be within the allowed skew of now.
 * - JPush: HTTP Basic `appKey:masterSecret`, as JPush's message callbacks send it.
 * - WeChat: `signature` = sha1 of the sorted concatenation of the token, `timestamp` (seconds)
 *   and `nonce`, all in the query string (plaintext mode).
 *
 * Each returns undefined when the request passes, or what is wrong with it.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-touchstream-timestamp';
export const SIGNATURE_HEADER = 'x-touchstream-signature';
export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function staleness(timestampMs: number, now: number, maxSkewMs: number): string | undefined {
  return Math.abs(now - timestampMs) > maxSkewMs
    ? `the signed timestamp is more than ${Math.round(maxSkewMs / 1000)} s away from now`
    : undefined;
}

export function receiptSignature(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

export function checkHmac(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  now: number,
  maxSkewMs: number,
): string | undefined {
  const timestamp = header(headers[TIMESTAMP_HEADER]);
  const signature = header(headers[SIGNATURE_HEADER]);
  if (timestamp === undefined || signature === undefined)
    return `send ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER}`;
  if (!/^\d{1,16}$/.test(timestamp)) return `${TIMESTAMP_HEADER} must be epoch milliseconds`;
  if (!sameText(signature.toLowerCase(), receiptSignature(secret, timestamp, rawBody)))
    return `${SIGNATURE_HEADER} does not match the body`;
  return staleness(Number(timestamp), now, maxSkewMs);
}

export function checkBasic(
  user: string,
  secret: string,
  authorization: string | undefined,
): string | undefined {
  const match = authorization === undefined ? null : /^Basic\s+(\S+)\s*$/i.exec(authorization);
  if (match === null) return 'send Authorization: Basic base64(appKey:masterSecret)';
  const expected = Buffer.from(`${user}:${secret}`, 'utf8').toString('base64');
  return sameText(match[1], expected) ? undefined : 'the Basic credentials do not match';
}

export function wechatSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

export function checkWechat(
  token: string,
  query: Record<string, unknown>,
  now: number,
  maxSkewMs: number,
): string | undefined {
  const { signature, timestamp, nonce } = query;
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || typeof nonce !== 'string')
    return 'send signature, timestamp and nonce in the query string';
  if (!/^\d{1,13}$/.test(timestamp)) return 'timestamp must be epoch seconds';
  if (!sameText(signature.toLowerCase(), wechatSignature(token, timestamp, nonce)))
    return 'signature does not match';
  return staleness(Number(timestamp) * 1000, now, maxSkewMs);
}
