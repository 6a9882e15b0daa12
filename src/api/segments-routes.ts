/**
 * Segments with their exact live sizes, and a segment's insight: its size over time and its
 * members by gender, age band, province, city, channel, level and policy product. The rule engine
 * keeps these as customers enter, leave and change (no scan at query time); any instance answers
 * by adding up every instance's share. Aggregates only, so viewers may read them.
 */
import type { FastifyInstance } from 'fastify';
import type { SegmentTallyJson } from '../rules/index.js';
import { STORES } from '../runtime/index.js';
import type { StoreQueries } from '../runtime/index.js';
import { ApiNotFoundError, ApiUnavailableError } from './api-errors.js';
import { gatherShares } from './instance-fanout.js';
import type { RulesPort } from './rules-port.js';
import { errorShape } from './rules-routes.js';
import {
  INTERNAL_SEGMENTS_PATH,
  localSegmentShare,
  mergeShares,
  type SegmentShare,
  type SegmentShareQuery,
} from './segment-share.js';

export interface SegmentsRoutesOptions {
  queries(): StoreQueries | undefined;
  rules(): RulesPort | undefined;
  forwardTimeoutMs: number;
}

const errors = { 401: errorShape, 403: errorShape, 503: errorShape } as const;
const series = {
  type: 'array',
  items: {
    type: 'object',
    properties: { at: { type: 'integer' }, size: { type: 'integer' } },
  },
} as const;
const tallyShape = {
  type: 'object',
  properties: {
    segment: { type: 'string' },
    size: { type: 'integer' },
    dimensions: {
      type: 'object',
      additionalProperties: {
        type: 'array',
        items: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] },
      },
    },
    hourly: { type: 'array', items: { type: 'array', items: { type: 'integer' } } },
    daily: { type: 'array', items: { type: 'array', items: { type: 'integer' } } },
  },
} as const;

function insightOf(tally: SegmentTallyJson, name: string | undefined) {
  const distribution: Record<string, { value: string; members: number; share: number }[]> = {};
  for (const [dimension, values] of Object.entries(tally.dimensions)) {
    distribution[dimension] = values.map(([value, members]) => ({
      value,
      members,
      share: tally.size === 0 ? 0 : Number((members / tally.size).toFixed(4)),
    }));
  }
  return {
    segment: tally.segment,
    name: name ?? null,
    size: tally.size,
    distribution,
    history: {
      hourly: tally.hourly.map(([at, size]) => ({ at, size })),
      daily: tally.daily.map(([at, size]) => ({ at, size })),
    },
  };
}

export function registerSegmentsRoutes(app: FastifyInstance, options: SegmentsRoutesOptions): void {
  const queries = (): StoreQueries => {
    const current = options.queries();
    if (current === undefined) throw new ApiUnavailableError('segment insight');
    return current;
  };
  const rules = (): RulesPort => {
    const current = options.rules();
    if (current === undefined) throw new ApiUnavailableError('the rules store');
    return current;
  };
  const gather = async (
    headers: Record<string, string | string[] | undefined>,
    query: SegmentShareQuery,
    what: string,
  ) => {
    const params = new URLSearchParams();
    if (query.segment !== undefined) params.set('segment', query.segment);
    if (query.sizesOnly === true) params.set('sizesOnly', 'true');
    const source = queries();
    const shares = await gatherShares<SegmentShare>({
      queries: source,
      storeName: STORES.segmentStats,
      what,
      local: () => localSegmentShare(source, query),
      path: `${INTERNAL_SEGMENTS_PATH}?${params.toString()}`,
      headers,
      timeoutMs: options.forwardTimeoutMs,
    });
    return mergeShares(shares);
  };

  app.get(
    '/segments',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'The segments in force with their exact live sizes, across every instance',
        tags: ['segments'],
        response: {
          200: {
            type: 'object',
            properties: {
              segments: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    name: { type: ['string', 'null'] },
                    size: { type: 'integer' },
                  },
                },
              },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const segments = (await rules().list()).filter((rule) => rule.kind === 'segment');
      const sizes = await gather(request.headers, { sizesOnly: true }, 'a segment size');
      return {
        segments: segments
          .map((rule) => ({
            id: rule.id,
            name: rule.name ?? null,
            size: sizes.get(rule.id)?.size ?? 0,
          }))
          .sort((a, b) => b.size - a.size || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/segments/:id/insight',
    {
      config: { role: 'viewer' },
      schema: {
        summary:
          "A segment's live size, its size by hour (7 days) and by day (400 days), and its members by gender, age band, province, city, channel, level and product",
        tags: ['segments'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              segment: { type: 'string' },
              name: { type: ['string', 'null'] },
              size: { type: 'integer' },
              distribution: {
                type: 'object',
                additionalProperties: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      value: { type: 'string' },
                      members: { type: 'integer' },
                      share: { type: 'number' },
                    },
                  },
                },
              },
              history: {
                type: 'object',
                properties: { hourly: series, daily: series },
              },
            },
          },
          ...errors,
          404: errorShape,
        },
      },
    },
    async (request) => {
      const id = request.params.id;
      const rule = (await rules().list()).find(
        (candidate) => candidate.kind === 'segment' && candidate.id === id,
      );
      if (rule === undefined) throw new ApiNotFoundError('segment', id);
      const merged = await gather(request.headers, { segment: id }, `segment ${id}`);
      const tally = merged.get(id) ?? {
        segment: id,
        size: 0,
        dimensions: {},
        hourly: [],
        daily: [],
      };
      return insightOf(tally, rule.name);
    },
  );

  app.get<{ Querystring: { segment?: string; sizesOnly?: boolean } }>(
    INTERNAL_SEGMENTS_PATH,
    {
      config: { role: 'viewer' },
      schema: {
        summary:
          "One instance's segment tallies (its own partitions); instances call it on each other",
        tags: ['internal'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            segment: { type: 'string', minLength: 1, maxLength: 200 },
            sizesOnly: { type: 'boolean' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              partitions: { type: 'array', items: { type: 'integer' } },
              tallies: { type: 'array', items: tallyShape },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => localSegmentShare(queries(), request.query),
  );
}
