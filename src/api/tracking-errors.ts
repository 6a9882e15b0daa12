/**
 * Errors of the campaign and callback routes. Kept apart from api-errors.ts so the tracking
 * routes own their codes; they are ApiErrors, so the error handler answers them the same way.
 */
import { ApiError } from './api-errors.js';

/** The engine keeps no campaign statistics: tracking is switched off in its config. */
export class ApiTrackingOffError extends ApiError {
  readonly status = 404;
  constructor() {
    super(
      'TS_API_TRACKING_OFF',
      'campaign tracking is off on this engine, so no campaign statistics are kept; turn on tracking.enabled',
    );
  }
}

/**
 * Receipts could not be recorded right now (the feedback topic or the command records are
 * unreachable). The provider should send them again; nothing of them was acknowledged.
 */
export class ApiCallbackUnavailableError extends ApiError {
  readonly status = 503;
  override readonly retryAfterSeconds = 5;
  constructor(channel: string, cause: unknown) {
    super(
      'TS_API_CALLBACK_UNAVAILABLE',
      `receipts of channel ${channel} could not be recorded (${cause instanceof Error ? cause.message : String(cause)}); send them again`,
      { cause, retryable: true, details: { channel } },
    );
  }
}
