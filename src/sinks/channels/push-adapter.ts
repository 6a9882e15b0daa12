import { createHash } from 'node:crypto';
import { BaseChannelAdapter } from './base-channel-adapter.js';
import type { AdapterRuntime, AttemptResult } from './base-channel-adapter.js';
import type { PushChannelConfig } from './channel-config.js';
import { ProviderRejectedError, ProviderUnavailableError } from './errors.js';
import { httpFailure, isRetryableStatus, isSuccess, HttpSender } from './http-sender.js';
import type { HttpOutcome } from './http-sender.js';
import { fillTemplate } from './template-text.js';
import type { TouchCommand } from './types.js';

/** JPush error codes that mean "busy, try later" even when the HTTP status alone would not say so. */
const RETRYABLE_JPUSH_CODES = new Set([1000, 1030, 2002]);

/**
 * JPush's sendno is a 32-bit int echoed back in the answer; derived from the command id so a
 * retried send carries the same one.
 */
export function sendnoFor(commandId: string): number {
  return createHash('sha256').update(commandId).digest().readUInt32BE(0) & 0x7fffffff;
}

/** App push in the shape of the JPush v3 push REST API (POST /v3/push, HTTP Basic app key + master secret). */
export class PushAdapter extends BaseChannelAdapter {
  readonly #config: PushChannelConfig;
  readonly #http = new HttpSender();
  readonly #authorization: string;

  constructor(config: PushChannelConfig, runtime: AdapterRuntime = {}) {
    super('push', config.http, runtime);
    this.#config = config;
    this.#authorization = `Basic ${Buffer.from(`${config.appKey}:${config.masterSecret}`).toString('base64')}`;
  }

  override async close(): Promise<void> {
    this.#http.close();
  }

  protected _check(command: TouchCommand): string | undefined {
    return (
      this.missingContact(command, 'pushRegistrationId') ??
      this.unknownTemplate(command, this.#config.templates)
    );
  }

  protected async _attempt(command: TouchCommand): Promise<AttemptResult> {
    const template = this.#config.templates[command.template];
    const alert = fillTemplate(template.alert, command.params);
    const title = fillTemplate(template.title, command.params);
    // The command id rides in extras too: the app reports clicks with it.
    const extras = { ...command.params, commandId: command.commandId };
    const body = JSON.stringify({
      platform: 'all',
      audience: { registration_id: [command.pushRegistrationId] },
      notification: {
        alert,
        android: { alert, title, extras },
        ios: { alert, extras },
      },
      options: { sendno: sendnoFor(command.commandId), time_to_live: this.#config.timeToLiveS },
    });
    const outcome = await this.#http.send({
      method: 'POST',
      url: `${this.#config.baseUrl}/v3/push`,
      headers: {
        authorization: this.#authorization,
        'content-type': 'application/json',
        'x-idempotency-key': command.commandId,
      },
      body,
      timeoutMs: this.timeoutMs,
    });
    if (outcome.kind === 'answer' && isSuccess(outcome.status)) {
      const msgId = (outcome.body as { msg_id?: unknown } | null)?.msg_id;
      return msgId === undefined || msgId === null
        ? { ok: true }
        : { ok: true, providerMessageId: String(msgId) };
    }
    return { ok: false, error: this.#failure(outcome) };
  }

  #failure(outcome: HttpOutcome) {
    if (outcome.kind !== 'answer') return httpFailure(this.channel, outcome, this.timeoutMs);
    const error = (outcome.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (typeof error?.code !== 'number') return httpFailure(this.channel, outcome, this.timeoutMs);
    const reason = `JPush error ${error.code} ${String(error.message ?? '')} (HTTP ${outcome.status})`;
    return isRetryableStatus(outcome.status) || RETRYABLE_JPUSH_CODES.has(error.code)
      ? new ProviderUnavailableError(this.channel, reason)
      : new ProviderRejectedError(this.channel, reason);
  }
}
