/**
 * The `tracking` section: conversion attribution and campaign statistics in the engine, and the
 * provider callbacks that bring delivery receipts and clicks back. `checkTracking` checks what
 * the JSON schema cannot (a time zone this runtime knows) and `campaignOptions` turns the section
 * into the topology's options.
 */
import { parseDuration } from '../../rules/index.js';
import { assertTimeZone } from '../../runtime/index.js';
import type { CampaignTopologyOptions } from '../../runtime/index.js';
import type { TouchstreamConfig } from './types.js';

export interface TrackingConfig {
  enabled: boolean;
  timeZone: string;
  conversions: { trigger: string; event: string; action?: string; window: string }[];
  maxOpenTouches: number;
  statsRetention: string;
  callbacks: {
    channels: Record<string, { secret: string; user?: string }>;
    maxSkewMs: number;
    commandRecords: { enabled: boolean; keyPrefix?: string };
  };
}

const duration = { type: 'string', pattern: '^[0-9]+[mhd]$' } as const;

export const TRACKING_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    enabled: {
      type: 'boolean',
      default: true,
      description:
        'Campaign statistics and conversion attribution in the engine; reads and writes topics.feedback.',
    },
    timeZone: {
      type: 'string',
      minLength: 1,
      default: 'Asia/Shanghai',
      description:
        'IANA time zone of the calendar days (and weeks, months) of campaign statistics.',
    },
    conversions: {
      type: 'array',
      default: [],
      description:
        'Which customer event converts which trigger\'s touches, and within how long, e.g. [{"trigger":"renewal-reminder","event":"policy.renewed","window":"30d"}]. Environment: a JSON array.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['trigger', 'event', 'window'],
        properties: {
          trigger: { type: 'string', minLength: 1 },
          event: { type: 'string', minLength: 1 },
          action: { type: 'string', minLength: 1, description: 'For behaviour events only.' },
          window: duration,
        },
      },
    },
    maxOpenTouches: {
      type: 'integer',
      minimum: 1,
      maximum: 1_000,
      default: 20,
      description: 'Most open attribution windows kept per customer (the oldest are dropped).',
    },
    statsRetention: {
      ...duration,
      default: '400d',
      description: 'Campaign statistics of a day are deleted this long after their last change.',
    },
    callbacks: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        channels: {
          type: 'object',
          default: {},
          propertyNames: { enum: ['push', 'sms', 'wechat', 'coupon'] },
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            required: ['secret'],
            properties: {
              secret: { type: 'string', minLength: 8 },
              user: { type: 'string', minLength: 1 },
            },
          },
          description:
            'Channels whose provider posts receipts to /callbacks/<channel>, each with its shared secret (HMAC key, JPush master secret with user = app key, or WeChat token). Environment: a JSON object.',
        },
        maxSkewMs: {
          type: 'integer',
          minimum: 1_000,
          default: 300_000,
          description: 'How far a signed callback timestamp may be from now.',
        },
        commandRecords: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            enabled: {
              type: 'boolean',
              default: true,
              description:
                'Look receipts up in the command records the delivery stage keeps in delivery.redis (else command ids are only parsed).',
            },
            keyPrefix: {
              type: 'string',
              minLength: 1,
              description: 'Prefix of the command record keys. Default: <applicationId>:commands:.',
            },
          },
        },
      },
    },
  },
} as const;

/** Checks what the schema cannot; throws naming the field. */
export function checkTracking(
  tracking: TrackingConfig,
  fail: (message: string, field: string) => Error,
): void {
  try {
    assertTimeZone(tracking.timeZone, 'tracking.timeZone');
  } catch (error) {
    throw fail(`config: ${(error as Error).message}`, 'tracking.timeZone');
  }
}

/** The topology's campaign options, or undefined when tracking is off. */
export function campaignOptions(config: TouchstreamConfig): CampaignTopologyOptions | undefined {
  const { tracking } = config;
  if (!tracking.enabled) return undefined;
  return {
    conversions: tracking.conversions.map((conversion, i) => ({
      trigger: conversion.trigger,
      event: conversion.event,
      ...(conversion.action === undefined ? {} : { action: conversion.action }),
      windowMs: parseDuration(conversion.window, `tracking.conversions[${i}].window`),
    })),
    timeZone: tracking.timeZone,
    maxOpenTouches: tracking.maxOpenTouches,
    statsRetentionMs: parseDuration(tracking.statsRetention, 'tracking.statsRetention'),
  };
}

export function commandRecordPrefix(config: TouchstreamConfig): string {
  return config.tracking.callbacks.commandRecords.keyPrefix ?? `${config.applicationId}:commands:`;
}
