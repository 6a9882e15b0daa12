import { InvalidGuardConfigError } from './errors.js';
import { assertTimeZone } from './zoned-time.js';
import { deepFreeze } from '../deep-freeze.js';

export type CapPeriod = 'day' | 'week';

export interface CapRule {
  max: number;
  /** A calendar period in the customer's time zone; a week starts on Monday (ISO). */
  per: CapPeriod;
}

export interface QuietWindow {
  /** Local "HH:MM"; a window whose `from` is later than its `to` crosses midnight. */
  from: string;
  to: string;
}

export interface RateLimit {
  capacity: number;
  refillPerSecond: number;
}

export interface GuardConfig {
  /** Every Redis key starts with it; give each environment its own. */
  keyPrefix: string;
  defaultTimeZone: string;
  idempotency: { leaseMs: number; sentTtlMs: number };
  frequencyCaps: { total: CapRule[]; channels: Record<string, CapRule[]> };
  quietHours: Record<string, QuietWindow>;
  rateLimits: Record<string, RateLimit>;
}

export type GuardConfigInput = Partial<Omit<GuardConfig, 'idempotency' | 'frequencyCaps'>> & {
  idempotency?: Partial<GuardConfig['idempotency']>;
  frequencyCaps?: Partial<GuardConfig['frequencyCaps']>;
};

const capRuleSchema = {
  type: 'object',
  required: ['max', 'per'],
  additionalProperties: false,
  properties: { max: { type: 'integer', minimum: 1 }, per: { enum: ['day', 'week'] } },
} as const;

/** JSON-schema shape of the guard config, with the defaults validateGuardConfig applies. */
export const GUARD_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    keyPrefix: { type: 'string', minLength: 1, default: 'ts:guard:' },
    defaultTimeZone: { type: 'string', description: 'IANA zone', default: 'Asia/Shanghai' },
    idempotency: {
      type: 'object',
      additionalProperties: false,
      properties: {
        leaseMs: {
          type: 'integer',
          minimum: 1,
          default: 60_000,
          description:
            'how long a claim may go without markSent before another worker may retry it',
        },
        sentTtlMs: {
          type: 'integer',
          minimum: 1,
          default: 7 * 86_400_000,
          description: 'how long a finished command is remembered; longer than any redelivery',
        },
      },
    },
    frequencyCaps: {
      type: 'object',
      additionalProperties: false,
      properties: {
        total: { type: 'array', items: capRuleSchema, default: [] },
        channels: {
          type: 'object',
          additionalProperties: { type: 'array', items: capRuleSchema },
          default: {},
        },
      },
    },
    quietHours: {
      type: 'object',
      default: {},
      additionalProperties: {
        type: 'object',
        required: ['from', 'to'],
        additionalProperties: false,
        properties: {
          from: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' },
          to: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' },
        },
      },
    },
    rateLimits: {
      type: 'object',
      default: {},
      additionalProperties: {
        type: 'object',
        required: ['capacity', 'refillPerSecond'],
        additionalProperties: false,
        properties: {
          capacity: { type: 'integer', minimum: 1 },
          refillPerSecond: { type: 'number', exclusiveMinimum: 0 },
        },
      },
    },
  },
} as const;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function onlyKeys(obj: Record<string, unknown>, path: string, keys: string[]): void {
  for (const k of Object.keys(obj))
    if (!keys.includes(k))
      throw new InvalidGuardConfigError(`${path}.${k}`, 'is not a known field', obj[k]);
}

function positiveInt(v: unknown, path: string, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new InvalidGuardConfigError(path, 'must be a positive integer', v);
  return v;
}

function object(v: unknown, path: string): Record<string, unknown> {
  if (v === undefined) return {};
  if (!isObject(v)) throw new InvalidGuardConfigError(path, 'must be an object', v);
  return v;
}

function capRules(v: unknown, path: string): CapRule[] {
  if (v === undefined) return [];
  if (!Array.isArray(v))
    throw new InvalidGuardConfigError(path, 'must be an array of {max, per}', v);
  return v.map((rule, i) => {
    const p = `${path}[${i}]`;
    const r = object(rule, p);
    onlyKeys(r, p, ['max', 'per']);
    if (r.per !== 'day' && r.per !== 'week')
      throw new InvalidGuardConfigError(`${p}.per`, "must be 'day' or 'week'", r.per);
    return { max: positiveInt(r.max, `${p}.max`), per: r.per };
  });
}

/** Checks a guard config once at start, fills defaults and returns it frozen; throws naming the bad field. */
export function validateGuardConfig(input: unknown): Readonly<GuardConfig> {
  const root = object(input, 'guards');
  onlyKeys(root, 'guards', Object.keys(GUARD_CONFIG_SCHEMA.properties));
  const keyPrefix = root.keyPrefix ?? 'ts:guard:';
  if (typeof keyPrefix !== 'string' || keyPrefix.length === 0)
    throw new InvalidGuardConfigError('guards.keyPrefix', 'must be a non-empty string', keyPrefix);
  const defaultTimeZone = root.defaultTimeZone ?? 'Asia/Shanghai';
  if (typeof defaultTimeZone !== 'string')
    throw new InvalidGuardConfigError(
      'guards.defaultTimeZone',
      'must be an IANA time zone',
      defaultTimeZone,
    );
  try {
    assertTimeZone(defaultTimeZone);
  } catch {
    throw new InvalidGuardConfigError(
      'guards.defaultTimeZone',
      'must be an IANA time zone',
      defaultTimeZone,
    );
  }
  const idem = object(root.idempotency, 'guards.idempotency');
  onlyKeys(idem, 'guards.idempotency', ['leaseMs', 'sentTtlMs']);
  const caps = object(root.frequencyCaps, 'guards.frequencyCaps');
  onlyKeys(caps, 'guards.frequencyCaps', ['total', 'channels']);
  const channelCaps: Record<string, CapRule[]> = {};
  for (const [channel, rules] of Object.entries(
    object(caps.channels, 'guards.frequencyCaps.channels'),
  )) {
    channelCaps[channel] = capRules(rules, `guards.frequencyCaps.channels.${channel}`);
  }
  const quietHours: Record<string, QuietWindow> = {};
  for (const [channel, w] of Object.entries(object(root.quietHours, 'guards.quietHours'))) {
    const p = `guards.quietHours.${channel}`;
    const win = object(w, p);
    onlyKeys(win, p, ['from', 'to']);
    for (const f of ['from', 'to'] as const) {
      if (typeof win[f] !== 'string' || !HHMM.test(win[f]))
        throw new InvalidGuardConfigError(`${p}.${f}`, 'must be a local time "HH:MM"', win[f]);
    }
    if (win.from === win.to)
      throw new InvalidGuardConfigError(
        `${p}.to`,
        'must differ from from (an empty window is no window; remove the channel)',
        win.to,
      );
    quietHours[channel] = { from: win.from as string, to: win.to as string };
  }
  const rateLimits: Record<string, RateLimit> = {};
  for (const [channel, l] of Object.entries(object(root.rateLimits, 'guards.rateLimits'))) {
    const p = `guards.rateLimits.${channel}`;
    const lim = object(l, p);
    onlyKeys(lim, p, ['capacity', 'refillPerSecond']);
    if (
      typeof lim.refillPerSecond !== 'number' ||
      !(lim.refillPerSecond > 0) ||
      !Number.isFinite(lim.refillPerSecond)
    ) {
      throw new InvalidGuardConfigError(
        `${p}.refillPerSecond`,
        'must be a positive number',
        lim.refillPerSecond,
      );
    }
    rateLimits[channel] = {
      capacity: positiveInt(lim.capacity, `${p}.capacity`),
      refillPerSecond: lim.refillPerSecond,
    };
  }
  const config: GuardConfig = {
    keyPrefix,
    defaultTimeZone,
    idempotency: {
      leaseMs: positiveInt(idem.leaseMs, 'guards.idempotency.leaseMs', 60_000),
      sentTtlMs: positiveInt(idem.sentTtlMs, 'guards.idempotency.sentTtlMs', 7 * 86_400_000),
    },
    frequencyCaps: {
      total: capRules(caps.total, 'guards.frequencyCaps.total'),
      channels: channelCaps,
    },
    quietHours,
    rateLimits,
  };
  return deepFreeze(config);
}
