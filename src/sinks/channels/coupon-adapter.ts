import { BaseChannelAdapter } from './base-channel-adapter.js';
import type { AdapterRuntime, AttemptResult } from './base-channel-adapter.js';
import type { CouponChannelConfig } from './channel-config.js';
import { httpFailure, isSuccess, HttpSender } from './http-sender.js';
import type { TouchCommand } from './types.js';

/** Coupon issuance as a webhook to the coupon system; the customer id is the only contact it needs. */
export class CouponAdapter extends BaseChannelAdapter {
  readonly #config: CouponChannelConfig;
  readonly #http = new HttpSender();

  constructor(config: CouponChannelConfig, runtime: AdapterRuntime = {}) {
    super('coupon', config.http, runtime);
    this.#config = config;
  }

  override async close(): Promise<void> {
    this.#http.close();
  }

  protected _check(command: TouchCommand): string | undefined {
    return this.unknownTemplate(command, this.#config.templates);
  }

  protected async _attempt(command: TouchCommand): Promise<AttemptResult> {
    const outcome = await this.#http.send({
      method: 'POST',
      url: this.#config.url,
      headers: { 'content-type': 'application/json', 'idempotency-key': command.commandId },
      body: JSON.stringify({
        commandId: command.commandId,
        customerId: command.customerId,
        couponTemplate: this.#config.templates[command.template].couponTemplate,
        params: command.params,
      }),
      timeoutMs: this.timeoutMs,
    });
    if (outcome.kind === 'answer' && isSuccess(outcome.status)) {
      const id = (outcome.body as { couponId?: unknown } | null)?.couponId;
      return id === undefined || id === null
        ? { ok: true }
        : { ok: true, providerMessageId: String(id) };
    }
    return { ok: false, error: httpFailure(this.channel, outcome, this.timeoutMs) };
  }
}
