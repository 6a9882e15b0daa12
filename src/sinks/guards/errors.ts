import { TouchstreamError } from '../../errors/index.js';

/** Redis could not be reached or did not answer: the worker waits and retries the whole command. */
export class SinkRedisUnavailableError extends TouchstreamError {
  constructor(operation: string, cause: unknown) {
    super(
      'TS_SINK_REDIS_UNAVAILABLE',
      `Redis did not answer during ${operation}; the touch was not sent. Wait and retry the command (check the Redis address and that the server is up).`,
      { cause, retryable: true, details: { operation } },
    );
  }
}

/** Redis answered with an error (a script bug, wrong key type): retrying the same call will fail again. */
export class SinkRedisCommandError extends TouchstreamError {
  constructor(operation: string, cause: unknown) {
    super(
      'TS_SINK_REDIS_COMMAND_FAILED',
      `Redis rejected ${operation}: ${cause instanceof Error ? cause.message : String(cause)}. Check that the guard key prefix is not shared with other data.`,
      { cause, retryable: false, details: { operation } },
    );
  }
}

export class InvalidGuardConfigError extends TouchstreamError {
  constructor(path: string, problem: string, value: unknown) {
    super(
      'TS_SINK_INVALID_GUARD_CONFIG',
      `Guard config field ${path} ${problem} (got ${JSON.stringify(value)}); fix the delivery guard config.`,
      { retryable: false, details: { path, value } },
    );
  }
}

export class InvalidGuardInputError extends TouchstreamError {
  constructor(field: string, problem: string, value: unknown, cause?: unknown) {
    super(
      'TS_SINK_INVALID_GUARD_INPUT',
      `Touch command field ${field} ${problem} (got ${JSON.stringify(value)}); the command cannot be guarded, fix its producer.`,
      { cause, retryable: false, details: { field, value } },
    );
  }
}

/** Runs one Redis call, turning connection trouble into a retryable error and reply errors into a fatal one. */
export async function redisCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Error && error.name === 'ReplyError')
      throw new SinkRedisCommandError(operation, error);
    throw new SinkRedisUnavailableError(operation, error);
  }
}
