/**
 * Seeded random rules for the property test: a small PRNG (mulberry32), the vocabulary shared with
 * the event generator, and conditions, segments and triggers mixing every form of contract
 * sections 3 and 4. Segments reference only lower-ranked segments, so no rule closes a cycle.
 */
import type { Json, JsonObject } from './conditions.js';
import { seededRandom } from '../../../src/cli/dev/synthetic-events.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const T0 = Date.UTC(2026, 0, 5);

export class Rng {
  private readonly next: () => number;
  /** The durations rules are written with; a scenario may narrow it to make windows flip often. */
  durations: readonly string[] = DURATIONS;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  float(): number {
    return this.next();
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  duration(): string {
    return this.pick(this.durations);
  }
  subset<T>(items: readonly T[], p: number): T[] {
    return items.filter(() => this.next() < p);
  }
}

export const DURATIONS = [
  '30m',
  '90m',
  '2h',
  '6h',
  '12h',
  '1d',
  '2d',
  '3d',
  '5d',
  '7d',
  '90d',
] as const;
export const DURATION_MS: Record<string, number> = {
  '30m': 30 * MIN,
  '90m': 90 * MIN,
  '2h': 2 * HOUR,
  '6h': 6 * HOUR,
  '12h': 12 * HOUR,
  '1d': DAY,
  '2d': 2 * DAY,
  '3d': 3 * DAY,
  '5d': 5 * DAY,
  '7d': 7 * DAY,
  '90d': 90 * DAY,
};
export const CITIES = ['Wenzhou', 'Ningbo', 'Hangzhou'];
export const TAGS = ['vip', 'do_not_contact', 'newsletter'];
export const PRODUCTS = ['auto', 'home', 'travel'];
export const ACTIONS = ['app_open', 'page_view', 'coupon_received'];
export const CLAIM_STATUSES = ['reported', 'assessed', 'settled', 'rejected'];
export const NAMES = ['Wang', 'Li', 'Zhang', 'Chen'];
export const CUSTOMER_EVENT_TYPES = [
  'customer.profile',
  'tag.added',
  'tag.removed',
  'policy.issued',
  'policy.renewed',
  'policy.cancelled',
  'claim.reported',
  'claim.assessed',
  'claim.settled',
  'claim.rejected',
  'behaviour',
];

// ---------------------------------------------------------------------------------- conditions

function attrLeaf(r: Rng): JsonObject {
  switch (r.int(0, 6)) {
    case 0:
      return { attr: 'city', [r.pick(['eq', 'ne'])]: r.pick([...CITIES, 7]) };
    case 1:
      return { attr: 'city', [r.pick(['in', 'nin'])]: r.subset([...CITIES, 7, true], 0.5) };
    case 2:
      return { attr: 'age', [r.pick(['gt', 'gte', 'lt', 'lte'])]: r.pick([30, 40, 50, '40', '5']) };
    case 3:
      return { attr: 'vip', [r.pick(['eq', 'ne'])]: r.pick([true, false, 'true', null]) };
    case 4:
      return { attr: r.pick(['name', 'score', 'age']), exists: r.chance(0.5) };
    case 5:
      return { attr: 'score', [r.pick(['gt', 'lte', 'eq'])]: r.pick([10, 50, 90]) };
    default:
      return { attr: 'name', [r.pick(['eq', 'gt', 'lt'])]: r.pick([...NAMES, 'M']) };
  }
}

function whereCondition(r: Rng): JsonObject {
  const leaf = (): JsonObject => {
    if (r.chance(0.5))
      return { attr: 'vehicleAge', [r.pick(['gt', 'gte', 'lt', 'lte', 'eq'])]: r.int(0, 12) };
    const op = r.pick(['eq', 'ne', 'in']);
    return { attr: 'plateCity', [op]: op === 'in' ? r.subset(CITIES, 0.6) : r.pick(CITIES) };
  };
  const x = leaf();
  if (r.chance(0.3)) return { [r.pick(['all', 'any'])]: [x, leaf()] };
  return r.chance(0.2) ? { not: x } : x;
}

function policyLeaf(r: Rng): JsonObject {
  const spec: JsonObject = {};
  if (r.chance(0.6)) spec.product = r.chance(0.3) ? r.subset(PRODUCTS, 0.6) : r.pick(PRODUCTS);
  if (r.chance(0.5)) spec.status = r.pick(['active', 'cancelled']);
  const window = r.int(0, 3);
  if (window === 1) spec.expiresWithin = r.duration();
  if (window === 2) spec.expiredWithin = r.duration();
  if (r.chance(0.25)) spec.where = whereCondition(r);
  return { policy: spec };
}

function claimLeaf(r: Rng): JsonObject {
  const spec: JsonObject = {};
  if (r.chance(0.6))
    spec.status = r.chance(0.3) ? r.subset(CLAIM_STATUSES, 0.5) : r.pick(CLAIM_STATUSES);
  if (r.chance(0.6)) spec.within = r.duration();
  if (r.chance(0.3)) spec.minAmount = r.pick([500, 2000, 10000]);
  return { claim: spec };
}

function eventLeaf(r: Rng): JsonObject {
  const leaf: JsonObject = { event: r.pick(ACTIONS), within: r.duration() };
  if (r.chance(0.6)) {
    const count: JsonObject = {};
    for (const op of r.subset(['eq', 'gt', 'gte', 'lt', 'lte'], 0.35)) count[op] = r.int(0, 3);
    if (Object.keys(count).length === 0) count[r.pick(['eq', 'gte', 'lt'])] = r.int(0, 2);
    leaf.count = count;
  }
  return leaf;
}

/** A random condition; `segments` are the ids it may reference. */
export function condition(r: Rng, segments: string[], depth = 0): JsonObject {
  const roll = r.int(0, depth >= 2 ? 6 : depth === 0 ? 11 : 9);
  switch (roll) {
    case 0:
      return attrLeaf(r);
    case 1:
      return { tag: r.pick(TAGS) };
    case 2:
      return policyLeaf(r);
    case 3:
      return claimLeaf(r);
    case 4:
      return eventLeaf(r);
    case 5:
      return segments.length > 0 ? { segment: r.pick(segments) } : eventLeaf(r);
    case 6:
      return r.chance(0.5) ? policyLeaf(r) : eventLeaf(r);
    case 7:
      return { not: condition(r, segments, depth + 1) };
    case 8:
    case 9: {
      const n = r.int(0, 3);
      return {
        [r.pick(['all', 'any'])]: Array.from({ length: n }, () =>
          condition(r, segments, depth + 1),
        ),
      };
    }
    default:
      return r.chance(0.5) ? eventLeaf(r) : policyLeaf(r);
  }
}

// ---------------------------------------------------------------------------------- rules

function touch(r: Rng): JsonObject {
  const t: JsonObject = {
    channel: r.pick(['push', 'sms', 'wechat', 'coupon']),
    template: r.pick(['tpl_a', 'tpl_b']),
  };
  if (r.chance(0.8)) {
    const params: JsonObject = {};
    const pool: [string, Json][] = [
      ['name', 'Hi ${attr.name}!'],
      ['city', '${attr.city}'],
      ['age', '${attr.age}/${attr.vip}'],
      ['eid', '${event.id}'],
      ['ets', '${event.ts}'],
      ['etype', '${event.type}@${event.at}'],
      ['seg', '${event.segment}:${event.change}'],
      ['claim', '${event.claimId}=${event.amount}'],
      ['pol', '${event.policyId} ${event.product} ${event.premium}'],
      ['bprops', '${event.props.city}-${event.props.level}${event.props.tier}'],
      ['action', '${event.action}'],
      ['src', '${event.source}'],
      ['whole', '${event.props}'],
      ['missing', '[${attr.nope}${event.nope.deeper}]'],
      ['n', 5],
      ['nested', { inner: '${attr.name}' }],
      ['flag', true],
    ];
    for (const [k, v] of r.subset(pool, 0.3)) params[k] = v;
    t.params = params;
  }
  return t;
}

function triggerOn(r: Rng, segmentIds: string[]): JsonObject {
  switch (r.int(0, 4)) {
    case 0:
      return r.chance(0.5)
        ? { event: 'behaviour', action: r.pick(ACTIONS) }
        : { event: 'behaviour' };
    case 1:
      return { event: r.pick(CUSTOMER_EVENT_TYPES) };
    case 2:
      return { enter: r.pick(segmentIds) };
    case 3:
      return { exit: r.pick(segmentIds) };
    default:
      if (r.chance(0.4)) return { broadcast: r.pick(['weather_alert', 'promo']) };
      return r.chance(0.6)
        ? { broadcast: 'weather_alert', match: { attr: 'city', prop: 'city' } }
        : { broadcast: 'promo', match: { attr: 'score', prop: 'tier' } };
  }
}

/** `frequent`: the trigger fires on common events, so its cap and replacements matter. */
export function triggerRule(
  r: Rng,
  id: string,
  segmentIds: string[],
  capped: boolean,
  frequent = false,
): JsonObject {
  const on = frequent
    ? r.pick<JsonObject>([
        { event: 'behaviour' },
        { broadcast: 'weather_alert' },
        { event: 'behaviour', action: 'app_open' },
      ])
    : triggerOn(r, segmentIds);
  const rule: JsonObject = { id, kind: 'trigger', on };
  if (r.chance(0.2)) rule.name = `trigger ${id}`;
  if (r.chance(0.4)) rule.if = condition(r, segmentIds, 1);
  if (r.chance(0.45)) rule.delay = r.duration();
  rule.touch = touch(r);
  if (capped) rule.cap = { max: r.chance(0.6) ? 1 : 2, per: r.duration() };
  if (r.chance(0.3)) rule.holdout = r.pick([0, 0.3, 0.5, 1]);
  return rule;
}

export function segmentRule(r: Rng, id: string, lower: string[]): JsonObject {
  // A reference to a trigger id is accepted and is always false (docs 3).
  const rule: JsonObject = {
    id,
    kind: 'segment',
    when: condition(r, r.chance(0.1) ? [...lower, 'trg-a'] : lower),
  };
  if (r.chance(0.2)) rule.version = r.chance(0.5) ? 2 : 'v2';
  return rule;
}

/** Rules that are valid JSON events but must be rejected by validation (contract section 3). */
export function rejectedRule(r: Rng, id: string): JsonObject {
  return r.pick<JsonObject>([
    { id, kind: 'segment', when: { attr: 'city' } },
    { id, kind: 'segment', when: { tag: 'vip', segment: 'x' } },
    { id, kind: 'segment', when: { event: 'app_open', within: '91d' } },
    { id, kind: 'trigger', on: { event: 'behaviour' }, touch: { channel: 'email', template: 't' } },
    { id, kind: 'segment', when: { policy: { where: { tag: 'x' } } } },
  ]);
}
