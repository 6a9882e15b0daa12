/**
 * The API's typed errors. Each code is stable (`TS_API_*`); the error handler turns any of them
 * into `{error, message, ...details}` with the class's HTTP status.
 */
import { TouchstreamError } from '../errors/index.js';

export abstract class ApiError extends TouchstreamError {
  abstract readonly status: number;
  /** Sent as the Retry-After header (seconds) when set. */
  readonly retryAfterSeconds: number | undefined = undefined;
}

export class ApiBadRequestError extends ApiError {
  readonly status = 400;
  constructor(message: string, field: string, details: Record<string, unknown> = {}) {
    super('TS_API_BAD_REQUEST', message, { details: { field, ...details } });
  }
}

export class ApiUnauthorizedError extends ApiError {
  readonly status = 401;
  constructor(message: string) {
    super('TS_API_UNAUTHORIZED', message);
  }
}

export class ApiForbiddenError extends ApiError {
  readonly status = 403;
  constructor(role: string, needed: string, route: string) {
    super(
      'TS_API_FORBIDDEN',
      `role "${role}" may not call ${route}; it needs role "${needed}" or higher`,
      { details: { role, needed } },
    );
  }
}

export class ApiNotFoundError extends ApiError {
  readonly status = 404;
  constructor(what: string, id: string) {
    super('TS_API_NOT_FOUND', `${what} ${JSON.stringify(id)} does not exist`, {
      details: { id },
    });
  }
}

export class ApiUnavailableError extends ApiError {
  readonly status = 503;
  constructor(what: string) {
    super('TS_API_UNAVAILABLE', `${what} is not wired on this instance yet; retry once it runs`, {
      retryable: true,
    });
  }
}

/**
 * The partition holding what was asked for cannot be read anywhere right now: it is restoring, has
 * no owner yet, or is moving in a rebalance. Retrying shortly will find it.
 */
export class ApiPartitionUnavailableError extends ApiError {
  readonly status = 503;
  override readonly retryAfterSeconds: number;
  constructor(what: string, partition: number, reason: string, retryAfterSeconds = 1) {
    super(
      'TS_API_PARTITION_UNAVAILABLE',
      `${what} is in partition ${partition}, which is ${describeReason(reason)}; retry after ${retryAfterSeconds} s`,
      { retryable: true, details: { partition, reason } },
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

function describeReason(reason: string): string {
  if (reason === 'restoring') return 'restoring its state on the instance that owns it';
  if (reason === 'no-owner') return 'not owned by any instance yet (the group is forming)';
  if (reason === 'moving') return 'moving between instances (a rebalance)';
  if (reason === 'unanswered')
    return 'not answered by any instance right now (restoring, or moving in a rebalance)';
  return reason;
}

/** Another instance that owns the state did not answer (down, unreachable or too slow). */
export class ApiPeerUnavailableError extends ApiError {
  readonly status = 503;
  override readonly retryAfterSeconds = 1;
  constructor(address: string, cause: unknown) {
    super(
      'TS_API_PEER_UNAVAILABLE',
      `instance ${address} did not answer (${cause instanceof Error ? cause.message : String(cause)}); ` +
        'it may be restarting or moving its partitions; retry shortly',
      { cause, retryable: true, details: { address } },
    );
  }
}
