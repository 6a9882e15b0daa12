import { createHmac } from 'node:crypto';
import { BaseChannelAdapter } from './base-channel-adapter.js';
import type { AdapterRuntime, AttemptResult } from './base-channel-adapter.js';
import type { SmsChannelConfig } from './channel-config.js';
import { httpFailure, isSuccess, HttpSender } from './http-sender.js';
import type { TouchCommand } from './types.js';

/**
 * The signature the SMS gateway checks: hex HMAC-SHA256 over `${timestamp}.${body}`. The
 * timestamp is inside the signed text so a captured request cannot be replayed later with a fresh
 * timestamp; the gateway refuses old ones.
 */
export function smsSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** SMS as a signed webhook to the SMS gateway. */
export class SmsAdapter extends BaseChannelAdapter {
  readonly #config: SmsChannelConfig;
  readonly #http = new HttpSender();

  constructor(config: SmsChannelConfig, runtime: AdapterRuntime = {}) {
    super('sms', config.http, runtime);
    this.#config = config;
  }

  override async close(): Promise<void> {
    this.#http.close();
  }

  protected _check(command: TouchCommand): string | undefined {
    return (
      this.missingContact(command, 'phone') ?? this.unknownTemplate(command, this.#config.templates)
    );
  }

  protected async _attempt(command: TouchCommand): Promise<AttemptResult> {
    const body = JSON.stringify({
      commandId: command.commandId,
      customerId: command.customerId,
      phone: command.phone,
      templateCode: this.#config.templates[command.template].templateCode,
      params: command.params,
    });
    // Signed per attempt: a retry after a long backoff must not carry a stale timestamp.
    const timestamp = this.now();
    const outcome = await this.#http.send({
      method: 'POST',
      url: this.#config.url,
      headers: {
        'content-type': 'application/json',
        'idempotency-key': command.commandId,
        'x-touchstream-timestamp': String(timestamp),
        'x-touchstream-signature': smsSignature(this.#config.signingSecret, timestamp, body),
      },
      body,
      timeoutMs: this.timeoutMs,
    });
    if (outcome.kind === 'answer' && isSuccess(outcome.status)) {
      const id = (outcome.body as { messageId?: unknown } | null)?.messageId;
      return id === undefined || id === null
        ? { ok: true }
        : { ok: true, providerMessageId: String(id) };
    }
    return { ok: false, error: httpFailure(this.channel, outcome, this.timeoutMs) };
  }
}
