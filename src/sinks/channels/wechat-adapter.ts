import type { Redis } from 'ioredis';
import { BaseChannelAdapter } from './base-channel-adapter.js';
import type { AdapterRuntime, AttemptResult } from './base-channel-adapter.js';
import type { WechatChannelConfig } from './channel-config.js';
import { ProviderRejectedError, ProviderUnavailableError } from './errors.js';
import { httpFailure, isSuccess, HttpSender } from './http-sender.js';
import type { HttpOutcome } from './http-sender.js';
import { fillTemplate, paramsAsText } from './template-text.js';
import type { TouchCommand } from './types.js';
import { WechatTokenSource } from './wechat-token-source.js';

export interface WechatAdapterOptions extends AdapterRuntime {
  /** Where the access token is shared with the other delivery instances. */
  redis: Redis;
  keyPrefix: string;
}

/** 40001 invalid credential, 40014 invalid access_token, 42001 access_token expired. */
const INVALID_TOKEN = new Set([40001, 40014, 42001]);
/** -1 system busy, 45009 API daily limit reached: both pass with time. */
const RETRYABLE_ERRCODES = new Set([-1, 45009]);

function errcodeOf(outcome: HttpOutcome): number | undefined {
  if (outcome.kind !== 'answer') return undefined;
  const code = (outcome.body as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' ? code : undefined;
}

/** WeChat official-account template messages, in WeChat's API shape. */
export class WechatAdapter extends BaseChannelAdapter {
  readonly #config: WechatChannelConfig;
  readonly #tokens: WechatTokenSource;
  readonly #http = new HttpSender();

  constructor(config: WechatChannelConfig, options: WechatAdapterOptions) {
    super('wechat', config.http, options);
    this.#config = config;
    this.#tokens = new WechatTokenSource({
      redis: options.redis,
      keyPrefix: options.keyPrefix,
      channel: 'wechat',
      baseUrl: config.baseUrl,
      appId: config.appId,
      appSecret: config.appSecret,
      timeoutMs: config.http.timeoutMs,
      marginMs: config.tokenRefreshMarginMs,
      now: this.now,
      http: this.#http,
    });
  }

  override async close(): Promise<void> {
    this.#http.close();
  }

  protected _check(command: TouchCommand): string | undefined {
    return (
      this.missingContact(command, 'openid') ??
      this.unknownTemplate(command, this.#config.templates)
    );
  }

  protected async _attempt(command: TouchCommand): Promise<AttemptResult> {
    const template = this.#config.templates[command.template];
    const data: Record<string, { value: string }> = {};
    for (const [key, value] of Object.entries(paramsAsText(command.params))) data[key] = { value };
    const body = JSON.stringify({
      touser: command.openid,
      template_id: template.templateId,
      ...(template.url === undefined ? {} : { url: fillTemplate(template.url, command.params) }),
      data,
      // WeChat drops a second message with the same client_msg_id: a retry after a lost answer is not sent twice.
      client_msg_id: command.commandId,
    });
    let token = await this.#tokens.get();
    let outcome = await this.#post(token, body);
    const code = errcodeOf(outcome);
    if (code !== undefined && INVALID_TOKEN.has(code)) {
      token = await this.#tokens.replace(token);
      outcome = await this.#post(token, body);
    }
    return this.#read(outcome);
  }

  #post(token: string, body: string): Promise<HttpOutcome> {
    return this.#http.send({
      method: 'POST',
      url: `${this.#config.baseUrl}/cgi-bin/message/template/send?access_token=${encodeURIComponent(token)}`,
      headers: { 'content-type': 'application/json' },
      body,
      timeoutMs: this.timeoutMs,
    });
  }

  #read(outcome: HttpOutcome): AttemptResult {
    if (outcome.kind !== 'answer' || !isSuccess(outcome.status))
      return { ok: false, error: httpFailure(this.channel, outcome, this.timeoutMs) };
    const body = outcome.body as { errcode?: unknown; errmsg?: unknown; msgid?: unknown } | null;
    const code = errcodeOf(outcome);
    if (code === 0) {
      return body?.msgid === undefined || body.msgid === null
        ? { ok: true }
        : { ok: true, providerMessageId: String(body.msgid) };
    }
    if (code === undefined)
      return {
        ok: false,
        error: new ProviderUnavailableError(
          this.channel,
          `unexpected answer ${JSON.stringify(body)}`,
        ),
      };
    const reason = `WeChat errcode ${code} ${String(body?.errmsg ?? '')}`;
    if (INVALID_TOKEN.has(code))
      return {
        ok: false,
        error: new ProviderUnavailableError(this.channel, `${reason} even with a refreshed token`),
      };
    return {
      ok: false,
      error: RETRYABLE_ERRCODES.has(code)
        ? new ProviderUnavailableError(this.channel, reason)
        : new ProviderRejectedError(this.channel, reason),
    };
  }
}
