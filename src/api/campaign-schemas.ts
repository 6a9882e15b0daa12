/** JSON Schemas of the campaign answers (they document the routes and serialize the answers). */

const counts = {
  commands: { type: 'integer', description: 'Touch commands the engine emitted' },
  sent: { type: 'integer' },
  suppressed: {
    type: 'object',
    additionalProperties: { type: 'integer' },
    description:
      'Suppressed commands by guard (idempotency, frequency-cap, quiet-hours, rate-limit, holdout, circuit-breaker) or `invalid` when a check stopped them',
  },
  suppressedTotal: { type: 'integer' },
  deferred: { type: 'integer' },
  failed: { type: 'integer' },
  delivered: { type: 'integer' },
  clicked: { type: 'integer' },
  converted: { type: 'integer' },
  conversionRate: {
    type: ['number', 'null'],
    description: 'converted / commands of this arm; null without commands',
  },
} as const;

export const armSchema = { type: 'object', properties: counts } as const;

export const upliftSchema = {
  type: 'object',
  description: 'Touched conversion rate over the held-out (control group) rate',
  properties: {
    absolute: { type: ['number', 'null'], description: 'touched rate minus held-out rate' },
    relative: { type: ['number', 'null'], description: 'absolute uplift over the held-out rate' },
  },
} as const;

const channelSchema = {
  type: 'object',
  properties: {
    channel: { type: 'string' },
    touched: armSchema,
    heldOut: armSchema,
    uplift: upliftSchema,
  },
} as const;

export const campaignReportSchema = {
  type: 'object',
  properties: {
    trigger: { type: 'string' },
    timeZone: { type: 'string' },
    bucket: { enum: ['day', 'week', 'month'] },
    from: { type: ['string', 'null'] },
    to: { type: ['string', 'null'] },
    totals: { type: 'array', items: channelSchema, description: 'Over the whole range' },
    buckets: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          bucket: {
            type: 'string',
            description: "The day, the week's Monday, or YYYY-MM",
          },
          start: { type: 'string' },
          end: { type: 'string' },
          channels: { type: 'array', items: channelSchema },
        },
      },
    },
  },
} as const;

export const campaignListSchema = {
  type: 'object',
  properties: {
    timeZone: { type: 'string' },
    from: { type: ['string', 'null'] },
    to: { type: ['string', 'null'] },
    campaigns: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          trigger: { type: 'string' },
          channels: { type: 'array', items: { type: 'string' } },
          touched: armSchema,
          heldOut: armSchema,
          uplift: upliftSchema,
        },
      },
    },
  },
} as const;

export const campaignShareSchema = {
  type: 'object',
  properties: {
    partitions: { type: 'array', items: { type: 'integer' } },
    rows: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          trigger: { type: 'string' },
          bucket: { type: 'string' },
          channel: { type: 'string' },
          arm: { enum: ['touched', 'held_out'] },
          counters: {
            type: 'object',
            properties: Object.fromEntries(
              Object.entries(counts).filter(
                ([name]) => name !== 'conversionRate' && name !== 'suppressedTotal',
              ),
            ),
          },
        },
      },
    },
  },
} as const;
