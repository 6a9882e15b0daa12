/**
 * What a channel adapter is to the delivery worker. An adapter owns one channel's wire format,
 * retries, backoff and circuit breaker; the worker owns guards, feedback and offsets.
 */

/** A touch command as the delivery stage reads it off the touch-commands topic (schemas/touch-command.avsc). */
export interface TouchCommand {
  commandId: string;
  /** When the trigger fired (epoch ms). */
  at: number;
  trigger: string;
  ruleVersion: number | string | null;
  customerId: string;
  channel: string;
  template: string;
  params: Record<string, string | number | boolean | null>;
  heldOut: boolean;
  createdAt: number;
  phone: string | null;
  openid: string | null;
  pushRegistrationId: string | null;
}

/** The outcome of one command after the adapter's own retries. */
export type SendResult =
  | {
      status: 'sent';
      /** The provider's id for the message, when it gives one (receipts refer to it). */
      providerMessageId?: string;
      attempts: number;
    }
  | {
      status: 'failed';
      /** A stable code, e.g. TS_SINK_PROVIDER_REJECTED, TS_SINK_RETRIES_EXHAUSTED. */
      code: string;
      reason: string;
      /** True when trying later may succeed (the worker then defers or dead-letters it). */
      retryable: boolean;
      attempts: number;
      /** Set while the channel's circuit is open: do not try this channel before then. */
      retryAt?: number;
    };

export interface ChannelAdapter {
  /** The channel name commands carry (push, sms, wechat, coupon, or a Kafka-delivered one). */
  readonly channel: string;
  /**
   * What the command lacks for this channel (no phone for SMS, no openid for WeChat, an unknown
   * template), as a reason for the feedback topic; undefined when it can be sent.
   */
  check(command: TouchCommand): string | undefined;
  /** Sends one command, retrying retryable failures with backoff and jitter; never throws for provider errors. */
  send(command: TouchCommand): Promise<SendResult>;
  close(): Promise<void>;
}
