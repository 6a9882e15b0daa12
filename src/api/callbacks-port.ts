/**
 * What the callback routes need from the delivery stage: receipts in, feedback records out. The
 * CLI implements it with CallbackIngest (src/sinks/feedback), which writes to the feedback topic.
 */

export type ReceiptStatus = 'delivered' | 'clicked' | 'failed';

export interface CallbackReceipt {
  /** Our command id, when the provider echoes it. */
  commandId?: string;
  /** The provider's own message id, when that is all the receipt carries. */
  providerMessageId?: string;
  status: ReceiptStatus;
  /** When it happened at the provider (epoch ms); default: when it was received. */
  at?: number;
  /** Why it failed, for `failed`. */
  reason?: string;
}

export interface IngestResult {
  accepted: number;
  /** Receipts that name no command this engine can place; not worth sending again. */
  unresolved: { index: number; id: string; reason: string }[];
}

export interface CallbacksPort {
  /** Resolves once the feedback records are durably written; throws a retryable error otherwise. */
  ingest(channel: string, receipts: readonly CallbackReceipt[]): Promise<IngestResult>;
}

/** How one channel's provider proves a callback is its own. */
export interface CallbackChannelAuth {
  /**
   * The shared secret: the HMAC key of plain receipts, the JPush master secret (with `user`, the
   * app key, for its Basic auth), or the token set in the WeChat official-account console.
   */
  secret: string;
  user?: string;
}

export interface CallbacksApiOptions {
  port: CallbacksPort;
  /** The channels that accept callbacks, each with its secret; others answer 404. */
  channels: Readonly<Record<string, CallbackChannelAuth>>;
  /** How far a signed timestamp may be from now (default 5 minutes). */
  maxSkewMs?: number;
  clock?: () => number;
}
