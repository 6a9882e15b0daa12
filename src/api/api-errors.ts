/**
 * The API's typed errors. Each code is stable (`TS_API_*`); the error handler turns any of them
 * into `{error, message, ...details}` with the class's HTTP status.
 */
import { TouchstreamError } from '../errors/index.js';

export abstract class ApiError extends TouchstreamError {
  abstract readonly status: number;
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
