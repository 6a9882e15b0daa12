/**
 * The `delivery` section: the delivery workers' Redis, guards, batching and dead-letter topic.
 * The guards' own schema comes from src/sinks (GUARD_CONFIG_SCHEMA); validateGuardConfig then
 * checks what a JSON schema cannot (time zones, empty quiet windows) and freezes the result.
 */
import {
  GUARD_CONFIG_SCHEMA,
  InvalidChannelConfigError,
  InvalidGuardConfigError,
  validateChannelConfig,
  validateGuardConfig,
} from '../../sinks/index.js';
import type { ChannelConfig, DeliverySettings, GuardConfig } from '../../sinks/index.js';
import type { TouchstreamConfig } from './types.js';

export interface DeliveryConfig {
  enabled: boolean;
  redis: { url: string };
  guards: Readonly<GuardConfig>;
  channels: Readonly<ChannelConfig>;
  concurrency: number;
  batchSize: number;
  deferralPollMs: number;
  deferralLeaseMs: number;
  topics: { deadLetters: string };
}

export const DELIVERY_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    enabled: {
      type: 'boolean',
      default: true,
      description:
        'Run the delivery workers in the engine process; `touchstream deliver` runs them alone.',
    },
    redis: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        url: {
          type: 'string',
          pattern: '^rediss?://',
          default: 'redis://127.0.0.1:6379',
          description: 'Redis of the guards (idempotency ledger, caps, deferrals, rate limits).',
        },
      },
    },
    guards: {
      ...GUARD_CONFIG_SCHEMA,
      default: {},
      description:
        'Guards in their order: idempotency, frequency caps, quiet hours, rate limits. Map-valued fields from the environment as JSON.',
    },
    channels: {
      type: 'object',
      default: {},
      description:
        'Channel adapters: base URLs, credentials and templates of push (JPush v3), wechat, sms and coupon, kafka-delivered channels, and HTTP timeouts, retries and circuit breakers (src/sinks/channels/channel-config.ts). From the environment as JSON.',
    },
    concurrency: {
      type: 'integer',
      minimum: 1,
      maximum: 10_000,
      default: 32,
      description: 'Sends in flight at once per instance.',
    },
    batchSize: {
      type: 'integer',
      minimum: 1,
      maximum: 10_000,
      default: 500,
      description: 'Touch commands guarded, sent and committed together.',
    },
    deferralPollMs: {
      type: 'integer',
      minimum: 10,
      default: 1_000,
      description: 'How often the deferral queue is polled for touches come due.',
    },
    deferralLeaseMs: {
      type: 'integer',
      minimum: 100,
      default: 60_000,
      description: 'How long a deferred touch taken by one instance is hidden from the others.',
    },
    topics: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        deadLetters: {
          type: 'string',
          default: 'touchstream.delivery-dead-letters',
          description: 'Undecodable or invalid touch commands and failed sends, with the reason.',
        },
      },
    },
  },
} as const;

/** Replaces the schema-checked guards with validateGuardConfig's result; throws naming the field. */
export function checkGuards(
  delivery: { guards: unknown },
  fail: (message: string, field: string) => Error,
): void {
  try {
    delivery.guards = validateGuardConfig(delivery.guards);
  } catch (error) {
    if (!(error instanceof InvalidGuardConfigError)) throw error;
    const field = `delivery.${String(error.details.path)}`;
    throw fail(`config: ${field} is invalid: ${error.message}`, field);
  }
}

/** Replaces the channels section with validateChannelConfig's result; throws naming the field. */
export function checkChannels(
  delivery: { channels: unknown },
  fail: (message: string, field: string) => Error,
): void {
  try {
    delivery.channels = validateChannelConfig(delivery.channels);
  } catch (error) {
    if (!(error instanceof InvalidChannelConfigError)) throw error;
    const field = `delivery.${String(error.details.path)}`;
    throw fail(`config: ${field} is invalid: ${error.message}`, field);
  }
}

/** What startDelivery needs from the config. Feedback goes to topics.feedback, which the timelines read. */
export function deliverySettings(config: TouchstreamConfig): DeliverySettings {
  const { delivery } = config;
  return {
    redisUrl: delivery.redis.url,
    guards: delivery.guards,
    concurrency: delivery.concurrency,
    batchSize: delivery.batchSize,
    deferralPollMs: delivery.deferralPollMs,
    deferralLeaseMs: delivery.deferralLeaseMs,
    feedbackTopic: config.topics.feedback,
    deadLetterTopic: delivery.topics.deadLetters,
  };
}
