/**
 * The broker's own error base: src/embedded stands alone (it imports nothing from the engine), so it
 * mirrors TouchstreamError's shape (stable `code`, `retryable`, `details`) without depending on it.
 */
export const brokerErrorCodes = {
  /** An option given to startEmbeddedKafka is out of range or of the wrong type. */
  invalidOption: 'TS_BROKER_INVALID_OPTION',
  /** A request frame could not be decoded (truncated, malformed, oversize). */
  malformedRequest: 'TS_BROKER_MALFORMED_REQUEST',
  /** A record batch failed validation (CRC, magic, lengths). */
  corruptRecordBatch: 'TS_BROKER_CORRUPT_RECORD_BATCH',
  /** The data directory could not be read or written. */
  storageFailure: 'TS_BROKER_STORAGE_FAILURE',
  /** The listener could not bind. */
  listenFailed: 'TS_BROKER_LISTEN_FAILED',
} as const;

export type BrokerErrorCode = (typeof brokerErrorCodes)[keyof typeof brokerErrorCodes];

export interface BrokerErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  details?: Record<string, unknown>;
}

export class BrokerError extends Error {
  readonly code: BrokerErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: BrokerErrorCode, message: string, options: BrokerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }
}

export class InvalidBrokerOptionError extends BrokerError {
  constructor(field: string, value: unknown, expected: string) {
    super(
      brokerErrorCodes.invalidOption,
      `startEmbeddedKafka option "${field}" is ${JSON.stringify(value)}; expected ${expected}. Fix the option and start again.`,
      { details: { field, value } },
    );
  }
}

export class MalformedRequestError extends BrokerError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(brokerErrorCodes.malformedRequest, message, { details });
  }
}

export class CorruptRecordBatchError extends BrokerError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(brokerErrorCodes.corruptRecordBatch, message, { details });
  }
}

export class BrokerStorageError extends BrokerError {
  constructor(path: string, action: string, cause: unknown) {
    super(
      brokerErrorCodes.storageFailure,
      `embedded broker could not ${action} ${path}: ${cause instanceof Error ? cause.message : String(cause)}. Check the dataDir permissions and free space.`,
      { cause, details: { path } },
    );
  }
}

export class BrokerListenError extends BrokerError {
  constructor(host: string, port: number, cause: unknown) {
    super(
      brokerErrorCodes.listenFailed,
      `embedded broker could not listen on ${host}:${port}: ${cause instanceof Error ? cause.message : String(cause)}. Pick another port or use 0 for a free one.`,
      { cause, details: { host, port } },
    );
  }
}
