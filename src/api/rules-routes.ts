/**
 * Rules: list and read (viewer+), dry-run validation, publish and delete (author), and segment
 * previews (operator+). Request shapes are checked by the route schemas; the rule itself by the
 * rules folder's validator, whose JSON paths are handed back as they are.
 */
import type { FastifyInstance } from 'fastify';
import { validateRule } from '../rules/index.js';
import type { Rule, RuleProblem } from '../rules/index.js';
import { ApiBadRequestError, ApiNotFoundError, ApiUnavailableError } from './api-errors.js';
import type { RulesPort } from './rules-port.js';

export const MAX_SAMPLE = 100;

export const ruleShape = {
  type: 'object',
  description: 'A rule as in the rule contract (rules-contract.md section 4)',
  required: ['id', 'kind'],
  properties: {
    id: { type: 'string', minLength: 1 },
    kind: { type: 'string', enum: ['segment', 'trigger'] },
    name: { type: 'string' },
  },
  additionalProperties: true,
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 } },
} as const;

const problemShape = {
  type: 'object',
  properties: { path: { type: 'string' }, message: { type: 'string' } },
} as const;

export const errorShape = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    field: { type: 'string' },
  },
  additionalProperties: true,
} as const;

const receiptShape = {
  type: 'object',
  properties: { id: { type: 'string' }, ts: { type: 'integer' } },
} as const;

const errors = { 400: errorShape, 401: errorShape, 403: errorShape } as const;

export function registerRulesRoutes(app: FastifyInstance, port: () => RulesPort | undefined): void {
  const rules = (): RulesPort => {
    const current = port();
    if (current === undefined) throw new ApiUnavailableError('the rules store');
    return current;
  };
  const check = async (json: unknown) =>
    validateRule(json, { existingRules: await rules().list() });

  app.get(
    '/rules',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'List the rules in force',
        tags: ['rules'],
        response: {
          200: { type: 'object', properties: { rules: { type: 'array', items: ruleShape } } },
          ...errors,
        },
      },
    },
    async () => ({ rules: await rules().list() }),
  );

  app.get<{ Params: { id: string } }>(
    '/rules/:id',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'One rule with its version history, newest first',
        tags: ['rules'],
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              rule: ruleShape,
              history: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    rule: { ...ruleShape, type: ['object', 'null'] },
                    ts: { type: 'integer' },
                  },
                },
              },
            },
          },
          ...errors,
          404: errorShape,
        },
      },
    },
    async (request) => {
      const detail = await rules().get(request.params.id);
      if (detail === undefined) throw new ApiNotFoundError('rule', request.params.id);
      return detail;
    },
  );

  app.post<{ Body: { rule: unknown } }>(
    '/rules/validate',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'Dry-run validation: every problem with its JSON path; nothing is published',
        tags: ['rules'],
        body: {
          type: 'object',
          required: ['rule'],
          properties: { rule: { type: 'object', additionalProperties: true } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              valid: { type: 'boolean' },
              problems: { type: 'array', items: problemShape },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const result = await check(request.body.rule);
      return { valid: result.ok, problems: result.ok ? [] : result.errors };
    },
  );

  app.put<{ Params: { id: string }; Body: { rule: Rule } }>(
    '/rules/:id',
    {
      config: { role: 'author' },
      schema: {
        summary: 'Validate a rule, then publish it as a rule.upsert',
        tags: ['rules'],
        params: idParams,
        body: { type: 'object', required: ['rule'], properties: { rule: ruleShape } },
        response: { 200: receiptShape, ...errors },
      },
    },
    async (request) => {
      if (request.body.rule.id !== request.params.id) {
        throw new ApiBadRequestError(
          `body.rule.id ${JSON.stringify(request.body.rule.id)} must equal the path id ${JSON.stringify(request.params.id)}`,
          'body.rule.id',
        );
      }
      const result = await check(request.body.rule);
      if (!result.ok) throw invalidRule(result.errors);
      return rules().publish(result.rule);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/rules/:id',
    {
      config: { role: 'author' },
      schema: {
        summary: 'Delete a rule by publishing a tombstone (rule.delete)',
        tags: ['rules'],
        params: idParams,
        response: { 200: receiptShape, ...errors, 404: errorShape },
      },
    },
    async (request) => {
      const port = rules();
      if ((await port.get(request.params.id)) === undefined) {
        throw new ApiNotFoundError('rule', request.params.id);
      }
      return port.remove(request.params.id);
    },
  );

  app.post<{ Body: { rule: Rule; sampleSize?: number } }>(
    '/rules/preview',
    {
      config: { role: 'operator' },
      schema: {
        summary: 'How many customers a segment rule would hold now, with a sample of them',
        tags: ['rules'],
        body: {
          type: 'object',
          required: ['rule'],
          properties: {
            rule: ruleShape,
            sampleSize: { type: 'integer', minimum: 0, maximum: MAX_SAMPLE, default: 10 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              count: { type: 'integer' },
              sample: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...errors,
          503: errorShape,
        },
      },
    },
    async (request) => {
      const result = await check(request.body.rule);
      if (!result.ok) throw invalidRule(result.errors);
      if (result.rule.kind !== 'segment') {
        throw new ApiBadRequestError(
          'body.rule.kind must be "segment" to preview',
          'body.rule.kind',
        );
      }
      return rules().previewSegment(result.rule, request.body.sampleSize ?? 10, {
        authorization: request.headers.authorization,
      });
    },
  );
}

export function invalidRule(problems: readonly RuleProblem[]): ApiBadRequestError {
  const first = problems[0] ?? { path: '$', message: 'rejected' };
  const field = `body.rule${first.path.slice(1)}`;
  return new ApiBadRequestError(`${field} ${first.message}`, field, { problems });
}
