import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { InvalidChannelConfigError } from './errors.js';
import { deepFreeze } from '../deep-freeze.js';

export interface RetrySettings {
  /** Tries per command, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface BreakerSettings {
  /** Consecutive retryable failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before one trial call is let through. */
  cooldownMs: number;
}

export interface HttpSettings {
  /** Per attempt, from the request until the whole answer is read. */
  timeoutMs: number;
  retry: RetrySettings;
  breaker: BreakerSettings;
}

export interface PushTemplate {
  /** `{param}` placeholders are filled from the command's params. */
  title: string;
  alert: string;
}

export interface PushChannelConfig {
  baseUrl: string;
  appKey: string;
  masterSecret: string;
  /** JPush options.time_to_live: how long an offline device's message is kept. */
  timeToLiveS: number;
  templates: Record<string, PushTemplate>;
  http: HttpSettings;
}

export interface WechatTemplate {
  templateId: string;
  url?: string;
}

export interface WechatChannelConfig {
  baseUrl: string;
  appId: string;
  appSecret: string;
  templates: Record<string, WechatTemplate>;
  /** A cached token is dropped this long before WeChat says it expires. */
  tokenRefreshMarginMs: number;
  http: HttpSettings;
}

export interface SmsChannelConfig {
  url: string;
  signingSecret: string;
  templates: Record<string, { templateCode: string }>;
  http: HttpSettings;
}

export interface CouponChannelConfig {
  url: string;
  templates: Record<string, { couponTemplate: string }>;
  http: HttpSettings;
}

export interface KafkaChannelConfig {
  topic: string;
  /** When given, commands naming another template are refused; otherwise the receiving team checks. */
  templates?: string[];
  http: HttpSettings;
}

/** Validated and frozen; every channel section carries its resolved `http` (defaults + its override). */
export interface ChannelConfig {
  http: HttpSettings;
  push?: PushChannelConfig;
  wechat?: WechatChannelConfig;
  sms?: SmsChannelConfig;
  coupon?: CouponChannelConfig;
  kafka?: Record<string, KafkaChannelConfig>;
}

export const BUILT_IN_CHANNELS = ['push', 'wechat', 'sms', 'coupon'] as const;
export type BuiltInChannel = (typeof BUILT_IN_CHANNELS)[number];

const positiveInt = { type: 'integer', minimum: 1 } as const;
const nonNegativeInt = { type: 'integer', minimum: 0 } as const;
const text = { type: 'string', minLength: 1 } as const;
const httpUrl = { type: 'string', pattern: '^https?://\\S+$' } as const;

function httpSchema(withDefaults: boolean) {
  const d = <T>(value: T) => (withDefaults ? { default: value } : {});
  return {
    type: 'object',
    additionalProperties: false,
    ...d({}),
    properties: {
      timeoutMs: { ...positiveInt, ...d(5000) },
      retry: {
        type: 'object',
        additionalProperties: false,
        ...d({}),
        properties: {
          maxAttempts: { ...positiveInt, ...d(4) },
          baseDelayMs: { ...nonNegativeInt, ...d(200) },
          maxDelayMs: { ...nonNegativeInt, ...d(5000) },
        },
      },
      breaker: {
        type: 'object',
        additionalProperties: false,
        ...d({}),
        properties: {
          failureThreshold: { ...positiveInt, ...d(5) },
          cooldownMs: { ...positiveInt, ...d(30_000) },
        },
      },
    },
  };
}

function templatesSchema(template: object) {
  return { type: 'object', additionalProperties: template };
}

function stringFields(required: string[], optional: string[] = []) {
  return {
    type: 'object',
    required,
    additionalProperties: false,
    properties: Object.fromEntries([
      ...required.map((k) => [k, text]),
      ...optional.map((k) => [k, text]),
    ]),
  };
}

/** JSON-schema shape of the channel config, with the defaults validateChannelConfig applies. */
export const CHANNEL_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    http: httpSchema(true),
    push: {
      type: 'object',
      required: ['baseUrl', 'appKey', 'masterSecret', 'templates'],
      additionalProperties: false,
      properties: {
        baseUrl: httpUrl,
        appKey: text,
        masterSecret: text,
        timeToLiveS: { ...nonNegativeInt, default: 86_400 },
        templates: templatesSchema(stringFields(['title', 'alert'])),
        http: httpSchema(false),
      },
    },
    wechat: {
      type: 'object',
      required: ['baseUrl', 'appId', 'appSecret', 'templates'],
      additionalProperties: false,
      properties: {
        baseUrl: httpUrl,
        appId: text,
        appSecret: text,
        templates: templatesSchema(stringFields(['templateId'], ['url'])),
        tokenRefreshMarginMs: { ...nonNegativeInt, default: 300_000 },
        http: httpSchema(false),
      },
    },
    sms: {
      type: 'object',
      required: ['url', 'signingSecret', 'templates'],
      additionalProperties: false,
      properties: {
        url: httpUrl,
        signingSecret: text,
        templates: templatesSchema(stringFields(['templateCode'])),
        http: httpSchema(false),
      },
    },
    coupon: {
      type: 'object',
      required: ['url', 'templates'],
      additionalProperties: false,
      properties: {
        url: httpUrl,
        templates: templatesSchema(stringFields(['couponTemplate'])),
        http: httpSchema(false),
      },
    },
    kafka: {
      type: 'object',
      description: 'channels another team delivers, by channel name',
      additionalProperties: {
        type: 'object',
        required: ['topic'],
        additionalProperties: false,
        properties: {
          topic: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,249}$' },
          templates: { type: 'array', items: text },
          http: httpSchema(false),
        },
      },
    },
  },
} as const;

const CHANNEL_NAME = /^[a-z][a-z0-9_-]*$/;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv({ useDefaults: true, allErrors: false, strict: false }).compile(
    CHANNEL_CONFIG_SCHEMA,
  );
  return compiled;
}

function fieldPath(instancePath: string): string {
  return ['channels', ...instancePath.split('/').slice(1)].join('.');
}

function valueAt(root: unknown, instancePath: string): unknown {
  let cursor = root;
  for (const part of instancePath.split('/').slice(1)) {
    if (cursor === null || typeof cursor !== 'object') return undefined;
    cursor = (cursor as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cursor;
}

function schemaError(error: ErrorObject, data: unknown): InvalidChannelConfigError {
  const path = fieldPath(error.instancePath);
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return new InvalidChannelConfigError(
      `${path}.${extra}`,
      'is not a known field',
      valueAt(data, `${error.instancePath}/${extra}`),
    );
  }
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return new InvalidChannelConfigError(`${path}.${missing}`, 'is required', undefined);
  }
  if (error.keyword === 'pattern' && /url$/i.test(error.instancePath)) {
    return new InvalidChannelConfigError(
      path,
      'must be an http(s) URL',
      valueAt(data, error.instancePath),
    );
  }
  return new InvalidChannelConfigError(
    path,
    error.message ?? 'is invalid',
    valueAt(data, error.instancePath),
  );
}

type RawHttp = Partial<Omit<HttpSettings, 'retry' | 'breaker'>> & {
  retry?: Partial<RetrySettings>;
  breaker?: Partial<BreakerSettings>;
};

function resolveHttp(defaults: HttpSettings, override: RawHttp | undefined, path: string) {
  const http: HttpSettings = {
    timeoutMs: override?.timeoutMs ?? defaults.timeoutMs,
    retry: { ...defaults.retry, ...override?.retry },
    breaker: { ...defaults.breaker, ...override?.breaker },
  };
  if (http.retry.maxDelayMs < http.retry.baseDelayMs)
    throw new InvalidChannelConfigError(
      `${path}.retry.maxDelayMs`,
      `must be at least retry.baseDelayMs (${http.retry.baseDelayMs})`,
      http.retry.maxDelayMs,
    );
  return http;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Checks a channel config once at start, fills defaults and returns it frozen; throws naming the bad field. */
export function validateChannelConfig(input: unknown): Readonly<ChannelConfig> {
  let data: unknown;
  try {
    data = structuredClone(input ?? {});
  } catch (cause) {
    throw new InvalidChannelConfigError('channels', `must be plain JSON data (${cause})`, input);
  }
  const validate = validator();
  if (!validate(data)) throw schemaError((validate.errors ?? [])[0], data);
  const raw = data as Record<string, Record<string, unknown>> & { http: HttpSettings };
  const http = resolveHttp(raw.http, undefined, 'channels.http');
  const config: ChannelConfig = { http };
  for (const channel of BUILT_IN_CHANNELS) {
    const section = raw[channel];
    if (section === undefined) continue;
    const resolved: Record<string, unknown> = {
      ...section,
      http: resolveHttp(http, section.http as RawHttp | undefined, `channels.${channel}.http`),
    };
    for (const key of ['baseUrl', 'url'] as const)
      if (typeof resolved[key] === 'string') resolved[key] = withoutTrailingSlash(resolved[key]);
    Object.assign(config, { [channel]: resolved });
  }
  if (raw.kafka !== undefined) {
    const kafka: Record<string, KafkaChannelConfig> = {};
    for (const [name, section] of Object.entries(
      raw.kafka as Record<string, Record<string, unknown>>,
    )) {
      const path = `channels.kafka.${name}`;
      if (!CHANNEL_NAME.test(name))
        throw new InvalidChannelConfigError(
          path,
          'is not a valid channel name (lower-case letters, digits, - and _)',
          name,
        );
      if ((BUILT_IN_CHANNELS as readonly string[]).includes(name))
        throw new InvalidChannelConfigError(
          path,
          `names a built-in channel; give the Kafka-delivered channel another name`,
          name,
        );
      kafka[name] = {
        ...(section as unknown as KafkaChannelConfig),
        http: resolveHttp(http, section.http as RawHttp | undefined, `${path}.http`),
      };
    }
    config.kafka = kafka;
  }
  return deepFreeze(config);
}
