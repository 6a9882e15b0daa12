/**
 * Routes instances call on each other. `POST /internal/preview` evaluates a segment rule over
 * this instance's own tasks only; the instance a client asked merges every instance's answer.
 * It takes the client's token (passed on by the asking instance), so it needs the same role as
 * the public preview.
 */
import type { FastifyInstance } from 'fastify';
import { validateRule } from '../rules/index.js';
import type { Rule } from '../rules/index.js';
import { ApiBadRequestError, ApiUnavailableError } from './api-errors.js';
import type { RulesPort } from './rules-port.js';
import { MAX_SAMPLE, errorShape, invalidRule, ruleShape } from './rules-routes.js';

export function registerInternalRoutes(
  app: FastifyInstance,
  port: () => RulesPort | undefined,
): void {
  app.post<{ Body: { rule: Rule; sampleSize: number } }>(
    '/internal/preview',
    {
      config: { role: 'operator' },
      schema: {
        summary:
          "One instance's share of a segment preview (its own partitions); instances call it on each other",
        tags: ['internal'],
        body: {
          type: 'object',
          required: ['rule', 'sampleSize'],
          properties: {
            rule: ruleShape,
            sampleSize: { type: 'integer', minimum: 0, maximum: MAX_SAMPLE },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              count: { type: 'integer' },
              sample: { type: 'array', items: { type: 'object', additionalProperties: true } },
              partitions: { type: 'array', items: { type: 'integer' } },
            },
          },
          400: errorShape,
          401: errorShape,
          403: errorShape,
        },
      },
    },
    async (request) => {
      const rules = port();
      if (rules === undefined) throw new ApiUnavailableError('the rules store');
      const result = validateRule(request.body.rule, { existingRules: await rules.list() });
      if (!result.ok) throw invalidRule(result.errors);
      if (result.rule.kind !== 'segment')
        throw new ApiBadRequestError(
          'body.rule.kind must be "segment" to preview',
          'body.rule.kind',
        );
      return rules.previewLocalSegment(result.rule, request.body.sampleSize);
    },
  );
}
