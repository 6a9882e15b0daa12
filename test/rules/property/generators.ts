/**
 * Seeded generators of rule sets and event streams for the property test. Everything is drawn
 * from one mulberry32 stream, so a seed reproduces a scenario exactly.
 *
 * Patterns where the contract is silent (or where docs/rules.md departs from it, see the report)
 * are left out unless an option asks for them: trigger ids are never re-added after a delete, a
 * trigger keeps having (or not having) a cap across replaces, ids never change kind, `delay` is never
 * `0m`, and templates never read a field that could be null.
 */
import type { JsonObject, OracleLine } from './brute-force-oracle.js';
import type { Json } from './conditions.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const T0 = Date.UTC(2026, 0, 5);

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
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
  subset<T>(items: readonly T[], p: number): T[] {
    return items.filter(() => this.next() < p);
  }
}

export const DURATIONS = ['30m', '90m', '2h', '6h', '12h', '1d', '2d', '3d', '5d', '7d'] as const;
const DURATION_MS: Record<string, number> = {
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
};
const CITIES = ['Wenzhou', 'Ningbo', 'Hangzhou'];
const TAGS = ['vip', 'do_not_contact', 'newsletter'];
const PRODUCTS = ['auto', 'home', 'travel'];
const ACTIONS = ['app_open', 'page_view', 'coupon_received'];
const CLAIM_STATUSES = ['reported', 'assessed', 'settled', 'rejected'];
const NAMES = ['Wang', 'Li', 'Zhang', 'Chen'];
const CUSTOMER_EVENT_TYPES = [
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
    if (r.chance(0.5)) return { attr: 'vehicleAge', [r.pick(['gt', 'gte', 'lt', 'lte', 'eq'])]: r.int(0, 12) };
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
  if (window === 1) spec.expiresWithin = r.pick(DURATIONS);
  if (window === 2) spec.expiredWithin = r.pick(DURATIONS);
  if (r.chance(0.25)) spec.where = whereCondition(r);
  return { policy: spec };
}

function claimLeaf(r: Rng): JsonObject {
  const spec: JsonObject = {};
  if (r.chance(0.6)) spec.status = r.chance(0.3) ? r.subset(CLAIM_STATUSES, 0.5) : r.pick(CLAIM_STATUSES);
  if (r.chance(0.6)) spec.within = r.pick(DURATIONS);
  if (r.chance(0.3)) spec.minAmount = r.pick([500, 2000, 10000]);
  return { claim: spec };
}

function eventLeaf(r: Rng): JsonObject {
  const leaf: JsonObject = { event: r.pick(ACTIONS), within: r.pick(DURATIONS) };
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
      return { [r.pick(['all', 'any'])]: Array.from({ length: n }, () => condition(r, segments, depth + 1)) };
    }
    default:
      return r.chance(0.5) ? eventLeaf(r) : policyLeaf(r);
  }
}

// ---------------------------------------------------------------------------------- rules

function touch(r: Rng): JsonObject {
  const t: JsonObject = { channel: r.pick(['push', 'sms', 'wechat', 'coupon']), template: r.pick(['tpl_a', 'tpl_b']) };
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
      return r.chance(0.5) ? { event: 'behaviour', action: r.pick(ACTIONS) } : { event: 'behaviour' };
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

export function triggerRule(r: Rng, id: string, segmentIds: string[], capped: boolean): JsonObject {
  const rule: JsonObject = { id, kind: 'trigger', on: triggerOn(r, segmentIds) };
  if (r.chance(0.2)) rule.name = `trigger ${id}`;
  if (r.chance(0.4)) rule.if = condition(r, segmentIds, 1);
  if (r.chance(0.35)) rule.delay = r.pick(DURATIONS);
  rule.touch = touch(r);
  if (capped) rule.cap = { max: r.int(1, 2), per: r.pick(DURATIONS) };
  if (r.chance(0.3)) rule.holdout = r.pick([0, 0.3, 0.5, 1]);
  return rule;
}

export function segmentRule(r: Rng, id: string, lower: string[]): JsonObject {
  const rule: JsonObject = { id, kind: 'segment', when: condition(r, lower) };
  if (r.chance(0.2)) rule.version = r.chance(0.5) ? 2 : 'v2';
  return rule;
}

/** Rules that are valid JSON events but must be rejected by validation (contract section 3). */
function rejectedRule(r: Rng, id: string): JsonObject {
  return r.pick<JsonObject>([
    { id, kind: 'segment', when: { attr: 'city' } },
    { id, kind: 'segment', when: { tag: 'vip', segment: 'x' } },
    { id, kind: 'segment', when: { event: 'app_open', within: '91d' } },
    { id, kind: 'trigger', on: { event: 'behaviour' }, touch: { channel: 'email', template: 't' } },
    { id, kind: 'segment', when: { policy: { where: { tag: 'x' } } } },
  ]);
}

// ---------------------------------------------------------------------------------- scenario

export interface Scenario {
  seed: number;
  rules: JsonObject[];
  lines: OracleLine[];
}

export interface ScenarioOptions {
  /** Allow replacing an uncapped trigger by a capped one (docs/rules.md departs from the contract there). */
  capOnUncapped?: boolean;
  events?: number;
}

export function generateScenario(seed: number, options: ScenarioOptions = {}): Scenario {
  const r = new Rng(seed);
  // Segments reference only segments of a lower rank, so no rule can close a cycle.
  const segRank: string[] = Array.from({ length: r.int(3, 6) }, (_, i) => `seg-${String.fromCharCode(97 + i)}`);
  const live = new Set<string>();
  const rules: JsonObject[] = [];
  segRank.forEach((id, i) => {
    if (i < segRank.length - 1 || r.chance(0.5)) {
      rules.push(segmentRule(r, id, segRank.slice(0, i)));
      live.add(id);
    }
  });
  const triggerCapped = new Map<string, boolean>();
  const deadTriggers = new Set<string>();
  let triggerCount = r.int(3, 6);
  for (let i = 0; i < triggerCount; i += 1) {
    const id = `trg-${String.fromCharCode(97 + i)}`;
    triggerCapped.set(id, r.chance(0.4));
    rules.push(triggerRule(r, id, segRank, triggerCapped.get(id) ?? false));
  }

  const customers = Array.from({ length: r.int(2, 5) }, (_, i) => `c${i + 1}`);
  const interesting: number[] = [];
  const noteInstant = (x: number): void => {
    for (const d of Object.values(DURATION_MS)) interesting.push(x + d, x - d);
    interesting.push(x);
  };
  const lines: OracleLine[] = [];
  let cursor = T0 + r.int(0, 1000) * MIN;
  let eventSeq = 0;
  const total = options.events ?? r.int(80, 150);

  const push = (event: JsonObject, kind: OracleLine['kind'] = 'valid'): void => {
    lines.push({ text: JSON.stringify(event), kind });
  };

  // Most customers are known early, with a profile, so that broadcasts and time flips reach them.
  for (const customerId of customers.slice(0, -1)) {
    eventSeq += 1;
    const attrs: JsonObject = { city: r.pick(CITIES), name: r.pick(NAMES), age: r.int(20, 60), score: r.pick([10, 50, 90]) };
    push({ type: 'customer.profile', id: `e${eventSeq}`, ts: cursor, customerId, attrs });
    cursor += r.int(0, 30) * MIN;
  }
  for (let n = 0; n < total; n += 1) {
    // Pick the time: same instant, a step forward, a boundary instant from the data, or late.
    let ts = cursor;
    const mode = r.float();
    if (mode < 0.12) ts = cursor;
    else if (mode < 0.3) {
      const ahead = interesting.filter((x) => x > cursor && x < cursor + 4 * DAY).sort((a, b) => a - b);
      ts = ahead.length > 0 ? ahead[Math.min(ahead.length - 1, r.int(0, 3))] : cursor + r.int(1, 600) * MIN;
    } else if (mode < 0.4) ts = cursor - r.int(1, 3 * 24 * 60) * MIN;
    else ts = cursor + r.pick([r.int(1, 60) * MIN, r.int(1, 12) * HOUR, r.int(12, 48) * HOUR]);
    cursor = Math.max(cursor, ts);
    eventSeq += 1;
    const id = `e${eventSeq}`;
    const customerId = r.pick(customers);
    const kindRoll = r.float();
    noteInstant(ts);

    if (kindRoll < 0.05) {
      lines.push({ text: r.pick(invalidLines(id, ts, customerId)), kind: 'invalid' });
      continue;
    }
    if (kindRoll < 0.1) {
      push({ type: 'clock', id, ts });
      continue;
    }
    if (kindRoll < 0.16) {
      push(
        r.chance(0.6)
          ? { type: 'broadcast', id, ts, topic: 'weather_alert', props: { city: r.pick([...CITIES, 7]), level: r.pick(['orange', 'red']) } }
          : { type: 'broadcast', id, ts, topic: 'promo', props: { tier: r.pick([10, 50, 90, '50']) } },
      );
      continue;
    }
    if (kindRoll < 0.23) {
      const action = r.int(0, 6);
      if (action === 0) {
        push({ type: 'rule.upsert', id, ts, rule: rejectedRule(r, r.pick(segRank)) }, 'rule-rejected');
      } else if (action <= 2) {
        const i = r.int(0, segRank.length - 1);
        push({ type: 'rule.upsert', id, ts, rule: segmentRule(r, segRank[i], segRank.slice(0, i)) });
        live.add(segRank[i]);
      } else if (action === 3 && live.size > 0) {
        const target = r.pick([...live]);
        live.delete(target);
        push({ type: 'rule.delete', id, ts, ruleId: target });
      } else if (action === 4) {
        const existing = [...triggerCapped.keys()].filter((t) => !deadTriggers.has(t));
        if (existing.length > 0 && r.chance(0.4)) {
          const target = r.pick(existing);
          deadTriggers.add(target);
          push({ type: 'rule.delete', id, ts, ruleId: target });
        } else {
          const tid = `trg-${String.fromCharCode(97 + triggerCount)}`;
          triggerCount += 1;
          triggerCapped.set(tid, r.chance(0.4));
          push({ type: 'rule.upsert', id, ts, rule: triggerRule(r, tid, segRank, triggerCapped.get(tid) ?? false) });
        }
      } else {
        const existing = [...triggerCapped.keys()].filter((t) => !deadTriggers.has(t));
        if (existing.length === 0) {
          push({ type: 'clock', id, ts });
          continue;
        }
        const target = r.pick(existing);
        const capped = options.capOnUncapped === true ? r.chance(0.5) : (triggerCapped.get(target) ?? false);
        triggerCapped.set(target, capped);
        push({ type: 'rule.upsert', id, ts, rule: triggerRule(r, target, segRank, capped) });
      }
      continue;
    }
    const type = r.pick(CUSTOMER_EVENT_TYPES);
    const event: JsonObject = { type, id, ts, customerId };
    if (r.chance(0.1)) event.source = r.pick(['app', 'crm']);
    if (type === 'customer.profile') {
      const attrs: JsonObject = {};
      if (r.chance(0.5)) attrs.city = r.chance(0.9) ? r.pick(CITIES) : 7;
      if (r.chance(0.4)) attrs.age = r.chance(0.85) ? r.int(20, 60) : r.pick(['40', '5']);
      if (r.chance(0.3)) attrs.vip = r.chance(0.8) ? r.chance(0.5) : 'true';
      if (r.chance(0.4)) attrs.name = r.pick(NAMES);
      if (r.chance(0.4)) attrs.score = r.chance(0.3) ? null : r.pick([10, 50, 90, 55.5]);
      if (r.chance(0.1)) attrs.age = null;
      event.attrs = attrs;
    } else if (type === 'tag.added' || type === 'tag.removed') event.tag = r.pick(TAGS);
    else if (type === 'policy.issued' || type === 'policy.renewed') {
      event.policyId = r.pick(['p1', 'p2']);
      event.product = r.pick(PRODUCTS);
      event.startDate = ts;
      event.endDate = cursor + r.pick([r.int(1, 48) * HOUR, r.int(2, 20) * DAY, -r.int(1, 48) * HOUR]);
      event.premium = r.pick([800, 1200.5, 3000]);
      if (r.chance(0.6)) event.attrs = { vehicleAge: r.int(0, 12), plateCity: r.pick(CITIES) };
      noteInstant(event.endDate as number);
    } else if (type === 'policy.cancelled') event.policyId = r.pick(['p1', 'p2', 'p9']);
    else if (type.startsWith('claim.')) {
      event.claimId = r.pick(['k1', 'k2']);
      if (r.chance(0.6)) event.amount = r.pick([300, 2000, 9999.5, 15000]);
    } else {
      event.action = r.pick(ACTIONS);
      if (r.chance(0.5)) event.props = { city: r.pick(CITIES), page: 'home' };
    }
    push(event);
  }
  return { seed, rules, lines };
}

function invalidLines(id: string, ts: number, customerId: string): string[] {
  return [
    '{"type": "behaviour", "id": ',
    JSON.stringify({ type: 'policy.expired', id, ts, customerId, policyId: 'p1' }),
    JSON.stringify({ type: 'behaviour', id, ts: String(ts), customerId, action: 'app_open' }),
    JSON.stringify({ type: 'behaviour', id, ts, customerId }),
    JSON.stringify({ type: 'tag.added', id, ts, tag: 'vip' }),
    JSON.stringify({ type: 'claim.settled', id, ts, customerId, claimId: 'k1', amount: 'lots' }),
    JSON.stringify({ id, ts, customerId }),
  ];
}
