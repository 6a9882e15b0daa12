import { TouchstreamError } from '../../errors/index.js';

/**
 * The command records could not be read (Redis down or refusing) for receipts whose command id
 * alone does not say whose they are. Retryable: the provider is answered with an error and sends
 * the receipts again.
 */
export class CommandLookupError extends TouchstreamError {
  constructor(what: string, cause: unknown) {
    super(
      'TS_SINK_FEEDBACK_LOOKUP_UNAVAILABLE',
      `looking up ${what} in the command records failed: ${cause instanceof Error ? cause.message : String(cause)}; the provider should send the receipts again (check Redis)`,
      { cause, retryable: true },
    );
  }
}

/** Feedback from provider receipts could not be written to Kafka; the provider should retry. */
export class FeedbackWriteError extends TouchstreamError {
  constructor(topic: string, records: number, cause: unknown) {
    super(
      'TS_SINK_FEEDBACK_WRITE_FAILED',
      `writing ${records} feedback record(s) from provider receipts to ${topic} failed: ${cause instanceof Error ? cause.message : String(cause)}; the provider should send them again (check the brokers and that the topic exists)`,
      { cause, retryable: true, details: { topic } },
    );
  }
}

/** A command record handed to `remember` lacks what a lookup needs. */
export class InvalidCommandRecordError extends TouchstreamError {
  constructor(field: string, value: unknown) {
    super(
      'TS_SINK_FEEDBACK_RECORD_INVALID',
      `command record field ${field} must be a non-empty string (got ${JSON.stringify(value)}); fix the caller of CommandRecords.remember`,
      { details: { field } },
    );
  }
}
