/**
 * The root of every error the engine throws on purpose. Callers match on `code`, which is stable:
 * a code is never reused for another meaning (docs/errors.md lists them all).
 */
export interface TouchstreamErrorOptions {
  cause?: unknown;
  /** Whether trying the same thing again may succeed (delivery and I/O errors say so). */
  retryable?: boolean;
  /** Machine-readable facts about the failure: path, topic/partition/offset, field, ... */
  details?: Record<string, unknown>;
}

export class TouchstreamError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: TouchstreamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, retryable: this.retryable, ...this.details };
  }
}

/** Reads a stable code off anything thrown: ours, a LevelDB error (LEVEL_*), a Node error (E*). */
export function errorCode(error: unknown): string {
  if (error instanceof TouchstreamError) return error.code;
  if (error !== null && typeof error === 'object' && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
  }
  return 'TS_UNEXPECTED';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
