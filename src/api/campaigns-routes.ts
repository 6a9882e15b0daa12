/**
 * Campaign statistics per trigger (issue 6 item 5, issue 7 item 4): commands, sent, suppressed by
 * reason, delivered, clicked and converted per channel and arm, with conversion rates and the
 * uplift of touching over the control group, by day, week (from Monday) or month in the
 * statistics' time zone. Aggregates only, so viewers may read them. Any instance answers: it adds
 * up the partial aggregates of every instance (campaign-fanout.ts).
 */
import type { FastifyInstance } from 'fastify';
import { campaignReport, campaignSummaries, isCalendarDay } from '../runtime/index.js';
import type { CampaignBucket, CampaignGrouping, StoreQueries } from '../runtime/index.js';
import { ApiBadRequestError, ApiUnavailableError } from './api-errors.js';
import {
  INTERNAL_CAMPAIGNS_PATH,
  gatherCampaignRows,
  localCampaignShare,
} from './campaign-fanout.js';
import {
  campaignListSchema,
  campaignReportSchema,
  campaignShareSchema,
} from './campaign-schemas.js';
import { errorShape } from './rules-routes.js';

export interface CampaignsApiOptions {
  /** IANA zone of the statistics' calendar days, as the topology was built with. */
  timeZone: string;
}

export interface CampaignsRoutesOptions extends CampaignsApiOptions {
  queries(): StoreQueries | undefined;
  forwardTimeoutMs: number;
}

const day = {
  type: 'string',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
} as const;

const range = {
  from: { ...day, description: 'First calendar day (YYYY-MM-DD in the time zone), included' },
  to: { ...day, description: 'Last calendar day, included' },
} as const;

const errors = { 400: errorShape, 401: errorShape, 403: errorShape, 503: errorShape } as const;

interface RangeQuery {
  from?: string;
  to?: string;
}

/**
 * Days the schema's pattern lets through but the calendar does not have, and reversed ranges;
 * named `querystring.<field>` as the schema's own errors are.
 */
function checkRange(query: RangeQuery): void {
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value !== undefined && !isCalendarDay(value)) {
      throw new ApiBadRequestError(
        `querystring.${field} ${value} is not a calendar day`,
        `querystring.${field}`,
      );
    }
  }
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    throw new ApiBadRequestError(
      `querystring.to ${query.to} is before querystring.from ${query.from}`,
      'querystring.to',
    );
  }
}

export function registerCampaignsRoutes(
  app: FastifyInstance,
  options: CampaignsRoutesOptions,
): void {
  const queries = (): StoreQueries => {
    const current = options.queries();
    if (current === undefined) throw new ApiUnavailableError('campaign statistics');
    return current;
  };

  app.get<{ Querystring: RangeQuery }>(
    '/campaigns',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'Every campaign (trigger) with its totals per arm and its uplift',
        tags: ['campaigns'],
        querystring: { type: 'object', additionalProperties: false, properties: range },
        response: { 200: campaignListSchema, ...errors, 404: errorShape },
      },
    },
    async (request) => {
      checkRange(request.query);
      const rows = await gatherCampaignRows(
        request,
        queries(),
        { grouping: 'all', from: request.query.from, to: request.query.to },
        options.forwardTimeoutMs,
      );
      return {
        timeZone: options.timeZone,
        from: request.query.from ?? null,
        to: request.query.to ?? null,
        campaigns: campaignSummaries(rows),
      };
    },
  );

  app.get<{ Params: { trigger: string }; Querystring: RangeQuery & { bucket: CampaignBucket } }>(
    '/campaigns/:trigger',
    {
      config: { role: 'viewer' },
      schema: {
        summary:
          "One campaign's statistics per channel and arm, by day, week (from Monday) or month, with conversion rates and uplift",
        tags: ['campaigns'],
        params: {
          type: 'object',
          required: ['trigger'],
          properties: { trigger: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...range, bucket: { enum: ['day', 'week', 'month'], default: 'day' } },
        },
        response: { 200: campaignReportSchema, ...errors, 404: errorShape },
      },
    },
    async (request) => {
      checkRange(request.query);
      const { from, to, bucket } = request.query;
      const trigger = request.params.trigger;
      const rows = await gatherCampaignRows(
        request,
        queries(),
        { trigger, grouping: bucket, from, to },
        options.forwardTimeoutMs,
      );
      return campaignReport(rows, { trigger, bucket, from, to, timeZone: options.timeZone });
    },
  );

  app.get<{ Querystring: RangeQuery & { trigger?: string; grouping: CampaignGrouping } }>(
    INTERNAL_CAMPAIGNS_PATH,
    {
      config: { role: 'viewer' },
      schema: {
        summary:
          "One instance's partial campaign statistics (its own partitions); instances call it on each other",
        tags: ['internal'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['grouping'],
          properties: {
            ...range,
            trigger: { type: 'string', minLength: 1, maxLength: 200 },
            grouping: { enum: ['day', 'week', 'month', 'all'] },
          },
        },
        response: { 200: campaignShareSchema, ...errors, 404: errorShape },
      },
    },
    async (request) => {
      checkRange(request.query);
      const { trigger, grouping, from, to } = request.query;
      return localCampaignShare(queries(), { trigger, grouping, from, to });
    },
  );
}
