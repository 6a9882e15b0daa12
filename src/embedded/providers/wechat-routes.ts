import { isObject, isText } from './body-checks.js';
import type { ChannelRoute, FakeCredentials, ProviderAnswer, ProviderRequest } from './types.js';
import type { WechatTokens } from './wechat-tokens.js';

function wechatError(errcode: number, errmsg: string): ProviderAnswer {
  // WeChat answers errors with HTTP 200; only errcode tells them apart.
  return { status: 200, body: { errcode, errmsg } };
}

const OPENID = /^[A-Za-z0-9_-]{6,64}$/;

/** GET /cgi-bin/token?grant_type=client_credential&appid=&secret= -> {access_token, expires_in}. */
export function wechatTokenAnswer(
  request: ProviderRequest,
  credentials: FakeCredentials,
  tokens: WechatTokens,
): ProviderAnswer {
  if (request.query.get('grant_type') !== 'client_credential')
    return wechatError(40002, 'invalid grant_type');
  if (request.query.get('appid') !== credentials.wechatAppId)
    return wechatError(40013, 'invalid appid');
  if (request.query.get('secret') !== credentials.wechatAppSecret)
    return wechatError(40125, 'invalid appsecret');
  return { status: 200, body: tokens.issue() };
}

/**
 * POST /cgi-bin/message/template/send?access_token=T with `{touser, template_id, url?, data,
 * client_msg_id}` -> `{errcode: 0, errmsg: 'ok', msgid}`; a token that is unknown or revoked gets
 * 40001, an expired one 42001.
 */
export function wechatSendRoute(tokens: WechatTokens): ChannelRoute {
  return {
    channel: 'wechat',
    path: '/cgi-bin/message/template/send',
    refuse(request: ProviderRequest) {
      const state = tokens.check(request.query.get('access_token'));
      if (state === 'missing') return wechatError(41001, 'access_token missing');
      if (state === 'invalid')
        return wechatError(40001, 'invalid credential, access_token is invalid or not latest');
      if (state === 'expired') return wechatError(42001, 'access_token expired');
      const body = request.body;
      if (!isObject(body)) return wechatError(47001, 'data format error');
      if (typeof body.touser !== 'string' || !OPENID.test(body.touser))
        return wechatError(40003, 'invalid openid');
      if (!isText(body.template_id)) return wechatError(40037, 'invalid template_id');
      if (!isObject(body.data)) return wechatError(47001, 'data format error');
      return null;
    },
    idempotencyKey: (request) =>
      isObject(request.body) && isText(request.body.client_msg_id)
        ? request.body.client_msg_id
        : null,
    accept: (messageId) => ({
      status: 200,
      body: { errcode: 0, errmsg: 'ok', msgid: Number(messageId) },
    }),
    messageId: (n) => String(2_000_000_000 + n),
    defaultFailure: wechatError(-1, 'system error (injected)'),
  };
}
