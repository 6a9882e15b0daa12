import { TouchstreamError } from '../../errors/index.js';

/** Credentials never reach a log line or an error message, even when they are the bad value. */
const SECRET_FIELD = /secret|password|token|key$/i;

export class InvalidChannelConfigError extends TouchstreamError {
  constructor(path: string, problem: string, value: unknown) {
    const shown = SECRET_FIELD.test(path) && value !== undefined ? '<redacted>' : value;
    super(
      'TS_SINK_INVALID_CHANNEL_CONFIG',
      `Channel config field ${path} ${problem} (got ${JSON.stringify(shown)}); fix the delivery channel config.`,
      { retryable: false, details: { path, value: shown } },
    );
  }
}

/**
 * Why one command was not delivered. Every subclass says whether trying later may succeed, and
 * the adapter turns it into the `failed` SendResult the delivery worker records.
 */
export abstract class ChannelDeliveryError extends TouchstreamError {
  readonly channel: string;
  /** Set while the channel's circuit is open: do not try the channel before then (epoch ms). */
  readonly retryAt: number | undefined;

  protected constructor(
    code: string,
    message: string,
    options: {
      channel: string;
      retryable: boolean;
      cause?: unknown;
      retryAt?: number;
      details?: Record<string, unknown>;
    },
  ) {
    super(code, message, {
      cause: options.cause,
      retryable: options.retryable,
      details: { channel: options.channel, ...options.details },
    });
    this.channel = options.channel;
    this.retryAt = options.retryAt;
  }
}

/** The provider answered that this command cannot be sent (bad request, unsubscribed user): sending it again fails again. */
export class ProviderRejectedError extends ChannelDeliveryError {
  constructor(channel: string, reason: string, cause?: unknown) {
    super(
      'TS_SINK_PROVIDER_REJECTED',
      `${channel} provider rejected the touch: ${reason}. Not retried; fix the command or the channel config.`,
      { channel, retryable: false, cause, details: { reason } },
    );
  }
}

/** One attempt found the provider down, slow or busy (network error, timeout, 429, 5xx): a later attempt may succeed. */
export class ProviderUnavailableError extends ChannelDeliveryError {
  constructor(channel: string, reason: string, cause?: unknown) {
    super('TS_SINK_PROVIDER_UNAVAILABLE', `${channel} provider unavailable: ${reason}.`, {
      channel,
      retryable: true,
      cause,
      details: { reason },
    });
  }
}

/** Every attempt the retry policy allows failed retryably; the worker may defer or dead-letter the command. */
export class RetriesExhaustedError extends ChannelDeliveryError {
  constructor(channel: string, attempts: number, last: ChannelDeliveryError, retryAt?: number) {
    super(
      'TS_SINK_RETRIES_EXHAUSTED',
      `${channel} delivery failed after ${attempts} attempt(s); last: ${last.message}`,
      { channel, retryable: true, cause: last, retryAt, details: { attempts, last: last.code } },
    );
  }
}

/** The channel's circuit breaker is open: the provider was not called. */
export class CircuitOpenError extends ChannelDeliveryError {
  constructor(channel: string, retryAt: number) {
    super(
      'TS_SINK_CIRCUIT_OPEN',
      `${channel} circuit is open after repeated provider failures; not tried before ${new Date(retryAt).toISOString()}.`,
      { channel, retryable: true, retryAt },
    );
  }
}

/** The WeChat access token could not be obtained (token endpoint down or refusing the app credentials). */
export class TokenFetchFailedError extends ChannelDeliveryError {
  constructor(channel: string, appId: string, reason: string, retryable: boolean, cause?: unknown) {
    super(
      'TS_SINK_TOKEN_FETCH_FAILED',
      `${channel} access token for app ${appId} could not be fetched: ${reason}.${retryable ? '' : ' Check the app id and secret in the channel config.'}`,
      { channel, retryable, cause, details: { appId, reason } },
    );
  }
}

/** The command lacks what its channel needs (contact, known template); the worker suppresses it. */
export class UnsendableCommandError extends ChannelDeliveryError {
  constructor(channel: string, commandId: string, reason: string) {
    super('TS_SINK_COMMAND_UNSENDABLE', `Touch ${commandId} cannot be sent: ${reason}.`, {
      channel,
      retryable: false,
      details: { commandId, reason },
    });
  }
}
