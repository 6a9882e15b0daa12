import type { HttpSettings } from './channel-config.js';
import { CircuitBreaker } from './circuit-breaker.js';
import {
  ChannelDeliveryError,
  CircuitOpenError,
  RetriesExhaustedError,
  UnsendableCommandError,
} from './errors.js';
import { RetryPolicy, realSleep } from './retry-policy.js';
import type { Sleep } from './retry-policy.js';
import type { ChannelAdapter, SendResult, TouchCommand } from './types.js';

/** What tests (and the worker, if it wants) inject instead of the real clock and timers. */
export interface AdapterRuntime {
  now?: () => number;
  sleep?: Sleep;
  random?: () => number;
}

export type AttemptResult =
  { ok: true; providerMessageId?: string } | { ok: false; error: ChannelDeliveryError };

export type ContactField = 'phone' | 'openid' | 'pushRegistrationId';

const CONTACT_NAMES: Record<ContactField, string> = {
  phone: 'phone number',
  openid: 'openid',
  pushRegistrationId: 'push registration id',
};

export type FailedResult = Extract<SendResult, { status: 'failed' }>;

export function failedResult(error: ChannelDeliveryError, attempts: number): FailedResult {
  const result: FailedResult = {
    status: 'failed',
    code: error.code,
    reason: error.message,
    retryable: error.retryable,
    attempts,
  };
  if (error.retryAt !== undefined) result.retryAt = error.retryAt;
  return result;
}

/**
 * The part every adapter shares: the public `send` checks the command, asks the channel's breaker,
 * and retries retryable failures with backoff; the adapter implements one attempt (`_attempt`)
 * and what its channel needs from a command (`_check`).
 */
export abstract class BaseChannelAdapter implements ChannelAdapter {
  readonly channel: string;
  protected readonly timeoutMs: number;
  protected readonly now: () => number;
  readonly #policy: RetryPolicy;
  readonly #breaker: CircuitBreaker;
  readonly #sleep: Sleep;

  protected constructor(channel: string, http: HttpSettings, runtime: AdapterRuntime = {}) {
    this.channel = channel;
    this.timeoutMs = http.timeoutMs;
    this.now = runtime.now ?? Date.now;
    this.#sleep = runtime.sleep ?? realSleep;
    this.#policy = new RetryPolicy(http.retry, runtime.random);
    this.#breaker = new CircuitBreaker({
      ...http.breaker,
      trialTimeoutMs: http.timeoutMs,
      now: this.now,
    });
  }

  check(command: TouchCommand): string | undefined {
    if (command.channel !== this.channel)
      return `command for channel ${command.channel} given to the ${this.channel} adapter`;
    return this._check(command);
  }

  async send(command: TouchCommand): Promise<SendResult> {
    // The worker records held-out commands without sending them; this is the last line of defence.
    const problem = command.heldOut
      ? 'the customer is held out (control group) and is never touched'
      : this.check(command);
    if (problem !== undefined)
      return failedResult(new UnsendableCommandError(this.channel, command.commandId, problem), 0);
    let attempts = 0;
    for (;;) {
      const admission = this.#breaker.admit();
      if (!admission.admitted)
        return failedResult(new CircuitOpenError(this.channel, admission.retryAt), attempts);
      attempts += 1;
      const result = await this.#attempt(command, attempts);
      if (result.ok) {
        this.#breaker.onSuccess();
        return result.providerMessageId === undefined
          ? { status: 'sent', attempts }
          : { status: 'sent', providerMessageId: result.providerMessageId, attempts };
      }
      if (!result.error.retryable) {
        this.#breaker.onSuccess();
        return failedResult(result.error, attempts);
      }
      const reopensAt = this.#breaker.onFailure();
      if (!this.#policy.allowsAfter(attempts))
        return failedResult(
          new RetriesExhaustedError(this.channel, attempts, result.error, this.#breaker.retryAt),
          attempts,
        );
      // An open circuit answers at the top of the loop; waiting first would only delay that answer.
      if (reopensAt === undefined) await this.#sleep(this.#policy.delayAfter(attempts));
    }
  }

  async close(): Promise<void> {}

  /** One try at the provider; failures are returned (or thrown as a ChannelDeliveryError), never other errors for provider trouble. */
  protected abstract _attempt(command: TouchCommand, attempt: number): Promise<AttemptResult>;

  /** What this channel needs beyond the channel name: contact, known template. */
  protected abstract _check(command: TouchCommand): string | undefined;

  protected missingContact(command: TouchCommand, field: ContactField): string | undefined {
    const value = command[field];
    return typeof value === 'string' && value.length > 0
      ? undefined
      : `no ${CONTACT_NAMES[field]} for channel ${this.channel}`;
  }

  /** The template is looked up as an own key, so names like "constructor" are not found by accident. */
  protected unknownTemplate(
    command: TouchCommand,
    templates: Readonly<Record<string, unknown>> | readonly string[] | undefined,
  ): string | undefined {
    const known =
      templates === undefined ||
      (Array.isArray(templates)
        ? templates.includes(command.template)
        : Object.hasOwn(templates, command.template));
    return known ? undefined : `unknown template ${command.template} for channel ${this.channel}`;
  }

  async #attempt(command: TouchCommand, attempt: number): Promise<AttemptResult> {
    try {
      return await this._attempt(command, attempt);
    } catch (error) {
      if (error instanceof ChannelDeliveryError) return { ok: false, error };
      throw error;
    }
  }
}
