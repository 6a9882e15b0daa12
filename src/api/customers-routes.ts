/**
 * One customer's profile and timeline, for operators and authors (personal data: viewers get
 * 403). Any instance answers for any customer: the state lives in the task of the customer's
 * partition, read here or at the instance that owns it (interactive-query.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { CustomerState } from '../rules/index.js';
import { STORES, isTimelinePosition, readTimelinePage } from '../runtime/index.js';
import type { StoreQueries, TimelineEntry } from '../runtime/index.js';
import { ApiBadRequestError, ApiNotFoundError, ApiUnavailableError } from './api-errors.js';
import { customerProfile, profileSchema, timelineSchema } from './customer-view.js';
import type { TimelineResponse } from './customer-view.js';
import { answerFromOwner } from './interactive-query.js';
import { errorShape } from './rules-routes.js';

export const MAX_TIMELINE_PAGE = 200;

const customerParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

const errors = { 400: errorShape, 401: errorShape, 403: errorShape, 503: errorShape } as const;

/** The cursor is the page's last position, base64url-encoded so clients treat it as opaque. */
function encodeCursor(position: string): string {
  return Buffer.from(position, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const position = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isTimelinePosition(position)) {
    throw new ApiBadRequestError(
      'querystring.cursor is not a cursor this API issued; pass nextCursor from the previous page',
      'querystring.cursor',
    );
  }
  return position;
}

export interface CustomersRoutesOptions {
  queries(): StoreQueries | undefined;
  forwardTimeoutMs: number;
}

export function registerCustomersRoutes(
  app: FastifyInstance,
  options: CustomersRoutesOptions,
): void {
  const queries = (): StoreQueries => {
    const current = options.queries();
    if (current === undefined) throw new ApiUnavailableError('customer state');
    return current;
  };

  app.get<{ Params: { id: string } }>(
    '/customers/:id',
    {
      config: { role: 'operator' },
      schema: {
        summary: "A customer's profile: attributes, tags, policies, claims and current segments",
        tags: ['customers'],
        params: customerParams,
        response: { 200: profileSchema, ...errors, 404: errorShape },
      },
    },
    async (request, reply) =>
      answerFromOwner<CustomerState, unknown>(request, reply, {
        queries: queries(),
        storeName: STORES.customers,
        key: request.params.id,
        what: `customer ${JSON.stringify(request.params.id)}`,
        timeoutMs: options.forwardTimeoutMs,
        read: async (store) => {
          const state = store.get(request.params.id);
          if (state === undefined) throw new ApiNotFoundError('customer', request.params.id);
          return customerProfile(state);
        },
      }),
  );

  app.get<{ Params: { id: string }; Querystring: { cursor?: string; limit?: number } }>(
    '/customers/:id/timeline',
    {
      config: { role: 'operator' },
      schema: {
        summary:
          "A customer's events, segment transitions, touches and delivery feedback, newest first, by pages",
        tags: ['customers'],
        params: customerParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            cursor: {
              type: 'string',
              minLength: 1,
              maxLength: 2000,
              pattern: '^[A-Za-z0-9_-]+$',
              description: 'nextCursor of the previous page; absent for the newest entries',
            },
            limit: { type: 'integer', minimum: 1, maximum: MAX_TIMELINE_PAGE, default: 50 },
          },
        },
        response: { 200: timelineSchema, ...errors },
      },
    },
    async (request, reply) => {
      // Checked before locating the customer: a bad cursor is a 400 on every instance.
      const after =
        request.query.cursor === undefined ? undefined : decodeCursor(request.query.cursor);
      return answerFromOwner<TimelineEntry, TimelineResponse>(request, reply, {
        queries: queries(),
        storeName: STORES.timeline,
        key: request.params.id,
        what: `the timeline of customer ${JSON.stringify(request.params.id)}`,
        timeoutMs: options.forwardTimeoutMs,
        read: async (store) => {
          const page = await readTimelinePage(store, request.params.id, {
            after,
            limit: request.query.limit ?? 50,
          });
          return {
            customerId: request.params.id,
            entries: page.entries,
            nextCursor: page.next === undefined ? null : encodeCursor(page.next),
          };
        },
      });
    },
  );
}
