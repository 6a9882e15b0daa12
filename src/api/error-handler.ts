/**
 * One error shape for every route: `{error: TS_API_*, message, ...details}`. Schema failures
 * name the offending field as `<part>.<path>` (e.g. `body.rule.id`).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from './api-errors.js';

interface ValidationItem {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function fieldOf(context: string, item: ValidationItem): string {
  const segments = item.instancePath.split('/').filter((part) => part.length > 0);
  if (item.keyword === 'required') segments.push(String(item.params.missingProperty));
  if (item.keyword === 'additionalProperties')
    segments.push(String(item.params.additionalProperty));
  return [context, ...segments].join('.');
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      if (error.retryAfterSeconds !== undefined)
        reply.header('retry-after', String(error.retryAfterSeconds));
      return reply
        .code(error.status)
        .send({ error: error.code, message: error.message, ...error.details });
    }
    const validation = error.validation as ValidationItem[] | undefined;
    if (validation !== undefined && validation.length > 0) {
      const item = validation[0];
      const field = fieldOf(error.validationContext ?? 'body', item);
      const message =
        item.keyword === 'required'
          ? `${field} is required`
          : `${field} ${item.message ?? 'is invalid'}`;
      return reply.code(400).send({ error: 'TS_API_BAD_REQUEST', message, field });
    }
    const status =
      error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 400) {
      return reply
        .code(400)
        .send({ error: 'TS_API_BAD_REQUEST', message: error.message, field: 'body' });
    }
    if (status === 500) request.log.error({ err: error }, 'unhandled API error');
    return reply.code(status).send({
      error: status === 500 ? 'TS_API_INTERNAL' : `TS_API_HTTP_${status}`,
      message: status === 500 ? 'internal error; see the server log' : error.message,
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: 'TS_API_NOT_FOUND',
      message: `no route ${request.method} ${request.url}; see /docs for the routes`,
    }),
  );
}
