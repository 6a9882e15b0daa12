import { isObject, isText, header } from './body-checks.js';
import type { ChannelRoute, FakeCredentials, ProviderRequest } from './types.js';

function jpushError(status: number, code: number, message: string) {
  return { status, body: { error: { code, message } } };
}

/**
 * POST /v3/push in the JPush v3 shape: HTTP Basic base64(appKey:masterSecret), an audience of
 * registration ids, a notification with an alert. Answers `{sendno, msg_id}`; errors are
 * `{error: {code, message}}` (1004 auth, 1011 no target, 1003 bad parameter).
 */
export function jpushRoute(credentials: FakeCredentials): ChannelRoute {
  const expected = `Basic ${Buffer.from(`${credentials.pushAppKey}:${credentials.pushMasterSecret}`).toString('base64')}`;
  return {
    channel: 'push',
    path: '/v3/push',
    refuse(request: ProviderRequest) {
      if (header(request.headers, 'authorization') !== expected)
        return jpushError(401, 1004, 'Authen failed');
      const body = request.body;
      if (!isObject(body) || !isText(body.platform))
        return jpushError(400, 1003, 'Parameter value is invalid: platform');
      const ids = isObject(body.audience) ? body.audience.registration_id : undefined;
      if (!Array.isArray(ids) || ids.length === 0 || !ids.every(isText))
        return jpushError(400, 1011, 'cannot find user by this audience');
      if (!isObject(body.notification) || !isText(body.notification.alert))
        return jpushError(400, 1003, 'Parameter value is invalid: notification.alert');
      return null;
    },
    idempotencyKey: (request) => header(request.headers, 'x-idempotency-key'),
    accept(messageId, request) {
      const options = isObject(request.body) ? request.body.options : undefined;
      const sendno = isObject(options) ? options.sendno : undefined;
      return { status: 200, body: { sendno: String(sendno ?? 0), msg_id: messageId } };
    },
    messageId: (n) => String(18_100_000_000 + n),
    defaultFailure: jpushError(503, 1000, 'Internal error (injected)'),
  };
}
