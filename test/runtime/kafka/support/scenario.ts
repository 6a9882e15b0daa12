/**
 * Rules and events whose results must not depend on how partitions are spread over instances, so
 * the Kafka runtime can be compared with `replay` (one global clock) line for line:
 *
 *  - every condition is event-driven (attributes, tags, policy and claim status, segment
 *    references): nothing flips with the passing of time, because a Kafka task only moves its own
 *    stream time, with its own partition's records, while replay moves one clock for everyone;
 *  - `ts` grows with every event in file order, and a customer's events share one key and so one
 *    partition: no event is ever late, so `at` is the event's own `ts` in both modes (a late event
 *    takes `now`, which is per task in Kafka and global in replay);
 *  - the broadcast comes after every customer event, with a larger `ts`, and is produced only once
 *    those are processed: in Kafka the fan-out copy and the partition's events are two inputs of one
 *    task with no order between them;
 *  - the rules are on the rules topic before the first instance starts (a rule change reaches each
 *    task at that task's stream time).
 */
import type { Rule } from '../../../../src/rules/index.js';

export const BASE_TS = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const STEP_MS = 1_000;
const DAY_MS = 86_400_000;
const CITIES = ['SH', 'BJ', 'GZ'] as const;

export type ScenarioEvent = Record<string, unknown> & {
  type: string;
  id: string;
  ts: number;
  customerId?: string;
};

export const RULES: Rule[] = [
  { id: 'vip', kind: 'segment', when: { attr: 'level', eq: 'vip' } },
  { id: 'auto-holder', kind: 'segment', when: { policy: { product: 'auto', status: 'active' } } },
  { id: 'claimant', kind: 'segment', when: { claim: { status: 'settled' } } },
  {
    id: 'vip-claimant',
    kind: 'segment',
    when: { all: [{ segment: 'vip' }, { segment: 'claimant' }] },
  },
  {
    id: 'loyal-auto',
    kind: 'segment',
    when: { all: [{ tag: 'loyal' }, { segment: 'auto-holder' }] },
  },
  {
    id: 'welcome-vip',
    kind: 'trigger',
    on: { enter: 'vip' },
    touch: { channel: 'sms', template: 'welcome', params: { name: '${attr.name}' } },
  },
  {
    id: 'claim-care',
    kind: 'trigger',
    on: { event: 'claim.settled' },
    if: { segment: 'vip' },
    touch: { channel: 'push', template: 'claim-care', params: { amount: '${event.amount}' } },
  },
  {
    id: 'lapse',
    kind: 'trigger',
    on: { exit: 'auto-holder' },
    touch: { channel: 'wechat', template: 'lapse' },
  },
  {
    id: 'first-open',
    kind: 'trigger',
    on: { event: 'behaviour', action: 'app_open' },
    cap: { max: 1, per: '1d' },
    touch: { channel: 'coupon', template: 'first-open' },
  },
  {
    id: 'storm',
    kind: 'trigger',
    on: { broadcast: 'weather_alert', match: { attr: 'city', prop: 'city' } },
    holdout: 0.25,
    touch: {
      channel: 'push',
      template: 'storm',
      params: { city: '${event.props.city}', name: '${attr.name}' },
    },
  } as Rule,
];

/** The steps every customer goes through; some only for some customers. */
function customerStep(
  step: number,
  n: number,
  customerId: string,
  ts: number,
): ScenarioEvent | undefined {
  const id = `${customerId}-${step}`;
  const base = { id, ts, customerId };
  switch (step) {
    case 0:
      return {
        ...base,
        type: 'customer.profile',
        attrs: { name: `N${n}`, level: n % 3 === 0 ? 'vip' : 'std', city: CITIES[(n >> 1) % 3] },
      };
    case 1:
      return {
        ...base,
        type: 'policy.issued',
        policyId: `p${n}`,
        product: n % 2 === 1 ? 'auto' : 'home',
        startDate: BASE_TS,
        endDate: BASE_TS + 365 * DAY_MS,
        premium: 1_000 + n,
      };
    case 2:
      return { ...base, type: 'behaviour', action: 'app_open' };
    case 3:
      return { ...base, type: 'claim.reported', claimId: `k${n}`, amount: 100 * n };
    case 4:
      return { ...base, type: 'behaviour', action: 'app_open' };
    case 5:
      return n % 4 === 3
        ? undefined
        : { ...base, type: 'claim.settled', claimId: `k${n}`, amount: 100 * n };
    case 6:
      if (n % 4 === 0) return { ...base, type: 'customer.profile', attrs: { level: 'vip' } };
      if (n % 3 === 0) return { ...base, type: 'customer.profile', attrs: { level: null } };
      return undefined;
    case 7:
      return n % 5 === 0 ? { ...base, type: 'policy.cancelled', policyId: `p${n}` } : undefined;
    case 8:
      return n % 2 === 0
        ? { ...base, type: 'tag.added', tag: 'loyal' }
        : { ...base, type: 'behaviour', action: 'page_view' };
    default:
      return undefined;
  }
}

export const STEPS = 9;

/**
 * Customer events, round-robin over customers step by step (so every partition sees a mix), with
 * `ts` growing by one second per event from `fromTs`.
 */
export function customerEvents(options: {
  customers: number;
  firstCustomer?: number;
  steps?: readonly number[];
  fromTs?: number;
  prefix?: string;
}): ScenarioEvent[] {
  const first = options.firstCustomer ?? 0;
  const steps = options.steps ?? Array.from({ length: STEPS }, (_, step) => step);
  const prefix = options.prefix ?? 'c';
  let ts = options.fromTs ?? BASE_TS;
  const events: ScenarioEvent[] = [];
  for (const step of steps) {
    for (let n = first; n < first + options.customers; n += 1) {
      const event = customerStep(step, n, `${prefix}${String(n).padStart(3, '0')}`, ts);
      if (event === undefined) continue;
      events.push(event);
      ts += STEP_MS;
    }
  }
  return events;
}

export function broadcastEvent(id: string, ts: number, city: string): ScenarioEvent {
  return { type: 'broadcast', id, ts, topic: 'weather_alert', props: { city } };
}

export function lastTs(events: readonly ScenarioEvent[]): number {
  return events.reduce((max, event) => Math.max(max, event.ts), -Infinity);
}
