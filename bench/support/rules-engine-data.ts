/**
 * Deterministic synthetic customers and events for the rules-engine bench. The same generators
 * feed the engine (as pre-serialized JSON bytes) and the json-rules-engine baseline (as objects),
 * so both see identical data.
 */
import type { CustomerEvent } from '../../src/rules/index.js';

export const T0 = 1_700_000_000_000;
const DAY = 86_400_000;

/** A fixed linear congruential sequence keeps runs comparable. */
export class Lcg {
  constructor(private seed: number) {}

  next(): number {
    this.seed = (Math.imul(this.seed, 1664525) + 1013904223) >>> 0;
    return this.seed;
  }

  below(n: number): number {
    return Math.floor((this.next() / 4_294_967_296) * n);
  }

  chance(p: number): boolean {
    return this.next() / 4_294_967_296 < p;
  }
}

export const CITIES: readonly { city: string; province: string }[] = [
  ['Hangzhou', 'Zhejiang'],
  ['Ningbo', 'Zhejiang'],
  ['Wenzhou', 'Zhejiang'],
  ['Shaoxing', 'Zhejiang'],
  ['Jiaxing', 'Zhejiang'],
  ['Huzhou', 'Zhejiang'],
  ['Jinhua', 'Zhejiang'],
  ['Taizhou', 'Zhejiang'],
  ['Lishui', 'Zhejiang'],
  ['Quzhou', 'Zhejiang'],
  ['Zhoushan', 'Zhejiang'],
  ['Shanghai', 'Shanghai'],
  ['Suzhou', 'Jiangsu'],
  ['Nanjing', 'Jiangsu'],
  ['Hefei', 'Anhui'],
  ['Fuzhou', 'Fujian'],
  ['Xiamen', 'Fujian'],
  ['Guangzhou', 'Guangdong'],
  ['Shenzhen', 'Guangdong'],
  ['Wuhan', 'Hubei'],
].map(([city, province]) => ({ city, province }));

/** The city of part (c): about 1/20 of the customers live there. */
export const ALERT_CITY = 'Wenzhou';

export function customerId(index: number): string {
  return `c${String(index).padStart(7, '0')}`;
}

const CHANNELS = ['app', 'wechat', 'sms'];
const TAGS = ['vip', 'do_not_contact', 'wechat_follower', 'employee'];
const SECOND_PRODUCTS = ['home', 'health', 'accident'];
const ACTIONS: readonly [string, number][] = [
  ['app_open', 35],
  ['page_view', 35],
  ['form_submit', 8],
  ['coupon_received', 8],
  ['coupon_redeemed', 5],
  ['wechat_follow', 4],
];
const ACTION_TABLE: string[] = ACTIONS.flatMap(([action, weight]) =>
  new Array<string>(weight).fill(action),
);
const CLAIM_TYPES = [
  'claim.reported',
  'claim.reported',
  'claim.reported',
  'claim.reported',
  'claim.assessed',
  'claim.assessed',
  'claim.settled',
  'claim.settled',
  'claim.settled',
  'claim.rejected',
] as const;

function policyAttrs(random: Lcg, product: string, city: string): Record<string, string | number> {
  if (product === 'auto') return { vehicleAge: random.below(15), plateCity: city };
  if (product === 'home') return { area: 50 + random.below(150) };
  return { plan: random.chance(0.5) ? 'basic' : 'plus' };
}

/**
 * The events that make the customer base: per customer a profile, one policy (70% auto), a
 * second policy for 35%, and tags (vip 5%, do_not_contact 3%, wechat_follower 12%, employee 1%).
 * About 2.56 events per customer, timestamps one millisecond apart from T0.
 */
export function* loadEvents(customers: number): Generator<CustomerEvent> {
  const random = new Lcg(7);
  let ts = T0;
  for (let i = 0; i < customers; i += 1) {
    const id = customerId(i);
    const place = CITIES[random.below(CITIES.length)];
    const attrs: Record<string, string | number | boolean> = {
      name: `N${i}`,
      city: place.city,
      province: place.province,
      age: 18 + random.below(63),
      gender: random.chance(0.5) ? 'f' : 'm',
      income: 3000 + random.below(47_000),
      vipLevel: random.below(4),
      channel: CHANNELS[random.below(3)],
    };
    if (random.chance(0.4)) attrs.email = `${id}@example.com`;
    yield { type: 'customer.profile', id: `l${ts}`, ts, customerId: id, attrs };
    ts += 1;
    // End dates from 20 days ago to a year ahead of the stream, so every policy window has members.
    const first = random.chance(0.7) ? 'auto' : 'home';
    const endDate = T0 - 20 * DAY + random.below(385 * DAY);
    yield {
      type: 'policy.issued',
      id: `l${ts}`,
      ts,
      customerId: id,
      policyId: `${id}-p0`,
      product: first,
      startDate: endDate - 365 * DAY,
      endDate,
      premium: 800 + random.below(5000),
      attrs: policyAttrs(random, first, place.city),
    };
    ts += 1;
    if (random.chance(0.35)) {
      const product = SECOND_PRODUCTS[random.below(3)];
      const end = T0 - 20 * DAY + random.below(385 * DAY);
      yield {
        type: 'policy.issued',
        id: `l${ts}`,
        ts,
        customerId: id,
        policyId: `${id}-p1`,
        product,
        startDate: end - 365 * DAY,
        endDate: end,
        premium: 300 + random.below(3000),
        attrs: policyAttrs(random, product, place.city),
      };
      ts += 1;
    }
    const odds = [0.05, 0.03, 0.12, 0.01];
    for (let t = 0; t < TAGS.length; t += 1) {
      if (!random.chance(odds[t])) continue;
      yield { type: 'tag.added', id: `l${ts}`, ts, customerId: id, tag: TAGS[t] };
      ts += 1;
    }
  }
}

export interface StreamShape {
  customers: number;
  events: number;
  startTs: number;
  spanMs: number;
}

/**
 * The timed stream: 70% of events go to an active 5% of customers (so behaviour windows and caps
 * see real counts), the rest land uniformly. Mix: 65% behaviour, 10% profile changes, 10% claims,
 * 5% tags, 10% policies (renewals, new policies, cancellations).
 */
export function* streamEvents(shape: StreamShape): Generator<CustomerEvent> {
  const random = new Lcg(11);
  const active = Math.max(1, Math.floor(shape.customers / 20));
  for (let i = 0; i < shape.events; i += 1) {
    const ts = shape.startTs + Math.floor((i * shape.spanMs) / shape.events);
    const index = random.chance(0.7) ? random.below(active) * 20 : random.below(shape.customers);
    const id = customerId(index);
    const common = { id: `e${i}`, ts, customerId: id };
    const roll = random.below(100);
    if (roll < 65) {
      yield {
        ...common,
        type: 'behaviour',
        action: ACTION_TABLE[random.below(ACTION_TABLE.length)],
        props: { page: 'home' },
      };
    } else if (roll < 75) {
      const pick = random.below(4);
      const attrs: Record<string, string | number | boolean | null> =
        pick === 0
          ? { income: 3000 + random.below(47_000), vipLevel: random.below(4) }
          : pick === 1
            ? { city: CITIES[random.below(CITIES.length)].city }
            : pick === 2
              ? { email: random.chance(0.5) ? `${id}@example.com` : null }
              : { channel: CHANNELS[random.below(3)] };
      yield { ...common, type: 'customer.profile', attrs };
    } else if (roll < 85) {
      const type = CLAIM_TYPES[random.below(CLAIM_TYPES.length)];
      const claim = { ...common, type, claimId: `${id}-k${random.below(3)}` };
      yield type === 'claim.reported' || type === 'claim.assessed'
        ? { ...claim, amount: 500 + random.below(49_500) }
        : claim;
    } else if (roll < 90) {
      yield {
        ...common,
        type: random.chance(0.6) ? 'tag.added' : 'tag.removed',
        tag: TAGS[random.below(TAGS.length)],
      };
    } else {
      const pick = random.below(10);
      if (pick < 5) {
        yield {
          ...common,
          type: 'policy.renewed',
          policyId: `${id}-p0`,
          product: 'auto',
          startDate: ts,
          endDate: ts + 365 * DAY,
          premium: 800 + random.below(5000),
        };
      } else if (pick < 8) {
        const product = ['auto', 'home', 'health', 'accident'][random.below(4)];
        yield {
          ...common,
          type: 'policy.issued',
          policyId: `${id}-p${2 + random.below(3)}`,
          product,
          startDate: ts,
          endDate: ts + 365 * DAY,
          premium: 300 + random.below(5000),
          attrs: policyAttrs(random, product, 'Hangzhou'),
        };
      } else {
        yield { ...common, type: 'policy.cancelled', policyId: `${id}-p${random.below(2)}` };
      }
    }
  }
}

export interface RawRecord {
  key: Buffer;
  value: Buffer;
  timestamp: number;
}

export function toRecord(event: CustomerEvent): RawRecord {
  return {
    key: Buffer.from(event.customerId),
    value: Buffer.from(JSON.stringify(event)),
    timestamp: event.ts,
  };
}
