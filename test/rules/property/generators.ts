/**
 * Seeded generators of rule sets and event streams for the property test. Everything is drawn
 * from one mulberry32 stream, so a seed reproduces a scenario exactly.
 *
 * Patterns where the contract is silent follow docs/rules.md (a re-added trigger id starts with
 * no firing history) or are left out: ids never change kind, `delay` is never `0m`, templates
 * never read a field that could be null, and no `cap.per` exceeds the behaviour retention (the
 * engine forgets firings older than the retention, see contract-cases.test.ts).
 */
import type { JsonObject, OracleLine } from './brute-force-oracle.js';
import {
  ACTIONS,
  CITIES,
  CLAIM_STATUSES,
  CUSTOMER_EVENT_TYPES,
  DAY,
  DURATION_MS,
  HOUR,
  MIN,
  NAMES,
  PRODUCTS,
  Rng,
  T0,
  TAGS,
  rejectedRule,
  segmentRule,
  triggerRule,
} from './rule-generators.js';

export { DAY, HOUR, MIN, Rng, T0 } from './rule-generators.js';

// ---------------------------------------------------------------------------------- scenario

export interface Scenario {
  seed: number;
  style: string;
  rules: JsonObject[];
  lines: OracleLine[];
}

export type ScenarioStyle = 'mixed' | 'dense' | 'churn' | 'caps' | 'instants';

export interface ScenarioOptions {
  /**
   * Let a replace add or remove a trigger's cap (default on). Off, a trigger keeps having (or not
   * having) a cap, which hid an engine bug once: see REGRESSION_SEEDS in property.test.ts.
   */
  capOnUncapped?: boolean;
  events?: number;
  /** Let a deleted trigger id be added again (default on; the seeds found before had it off). */
  readdTriggers?: boolean;
  /**
   * Force a style instead of drawing one (the draw still happens, so other draws stay put);
   * `instants` is only reachable this way: rule changes landing on time-flip instants.
   */
  style?: ScenarioStyle;
}

export function generateScenario(seed: number, options: ScenarioOptions = {}): Scenario {
  const r = new Rng(seed);
  // dense: one or two customers, short windows, events on boundaries; churn: many rule changes;
  // caps: frequent capped triggers that are often replaced.
  const drawn = r.pick(['mixed', 'mixed', 'dense', 'churn', 'caps'] as const);
  const style = options.style ?? drawn;
  const frequent = style === 'caps';
  if (style === 'dense') r.durations = ['30m', '90m', '2h', '6h'];
  if (style === 'caps') r.durations = ['12h', '1d', '2d', '3d', '7d'];
  if (style === 'instants') r.durations = ['30m', '90m', '2h'];
  const boundaryP = style === 'dense' || style === 'instants' ? 0.5 : 0.23;
  const ruleP =
    style === 'churn' || style === 'instants'
      ? 0.25
      : style === 'dense'
        ? 0.04
        : style === 'caps'
          ? 0.12
          : 0.07;
  // Segments reference only segments of a lower rank, so no rule can close a cycle.
  const segRank: string[] = Array.from(
    { length: r.int(3, 6) },
    (_, i) => `seg-${String.fromCharCode(97 + i)}`,
  );
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
    triggerCapped.set(id, frequent || r.chance(0.5));
    rules.push(triggerRule(r, id, segRank, triggerCapped.get(id) ?? false, frequent));
  }

  const customers = Array.from(
    { length: style === 'dense' || style === 'instants' || frequent ? r.int(1, 3) : r.int(2, 5) },
    (_, i) => `c${i + 1}`,
  );
  // Instants where something of a customer's data could flip, so events can land exactly on them.
  const interesting: { at: number; customerId: string | undefined; source?: JsonObject }[] = [];
  const noteInstant = (x: number, customerId: string | undefined, source?: JsonObject): void => {
    for (const d of r.durations.map((x) => DURATION_MS[x]))
      interesting.push({ at: x + d, customerId, source }, { at: x - d, customerId, source });
    interesting.push({ at: x, customerId, source });
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
    const attrs: JsonObject = {
      city: r.pick(CITIES),
      name: r.pick(NAMES),
      age: r.int(20, 60),
      score: r.pick([10, 50, 90]),
    };
    push({ type: 'customer.profile', id: `e${eventSeq}`, ts: cursor, customerId, attrs });
    cursor += r.int(0, 30) * MIN;
  }
  for (let n = 0; n < total; n += 1) {
    // Pick the time: same instant, a step forward, a boundary instant from the data, or late.
    let ts = cursor;
    let customerId = r.pick(customers);
    // The event whose data made the chosen instant a boundary: the next event may touch the same data.
    let echo: JsonObject | undefined;
    const mode = r.float();
    if (mode < 0.12) ts = cursor;
    else if (mode < 0.12 + boundaryP) {
      const ahead = interesting
        .filter((x) => x.at > cursor && x.at < cursor + 4 * DAY)
        .sort((a, b) => a.at - b.at);
      const chosen = ahead.length > 0 ? ahead[Math.min(ahead.length - 1, r.int(0, 3))] : undefined;
      ts = chosen?.at ?? cursor + r.int(1, 600) * MIN;
      if (chosen?.customerId !== undefined && r.chance(0.7)) {
        customerId = chosen.customerId;
        if (chosen.source !== undefined && r.chance(0.6)) echo = chosen.source;
      }
    } else if (mode < 0.17 + boundaryP)
      ts = cursor - r.int(1, 3 * 24 * 60) * MIN - (r.chance(0.3) ? r.int(1, 59_999) : 0);
    else if (mode < 0.19 + boundaryP) ts = cursor + r.int(20, 95) * DAY;
    else
      ts =
        cursor +
        r.pick([r.int(1, 60) * MIN, r.int(1, 12) * HOUR, r.int(12, 48) * HOUR]) +
        (r.chance(0.1) ? r.int(1, 999) : 0);
    cursor = Math.max(cursor, ts);
    eventSeq += 1;
    const id = `e${eventSeq}`;
    const kindRoll = echo === undefined ? r.float() : 1;

    if (kindRoll < 0.16 + ruleP) noteInstant(ts, undefined);
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
          ? {
              type: 'broadcast',
              id,
              ts,
              topic: 'weather_alert',
              props: { city: r.pick([...CITIES, 7]), level: r.pick(['orange', 'red']) },
            }
          : {
              type: 'broadcast',
              id,
              ts,
              topic: 'promo',
              props: { tier: r.pick([10, 50, 90, '50']) },
            },
      );
      continue;
    }
    if (kindRoll < 0.16 + ruleP) {
      const action = frequent && r.chance(0.7) ? 6 : r.int(0, 6);
      if (action === 0) {
        push(
          { type: 'rule.upsert', id, ts, rule: rejectedRule(r, r.pick(segRank)) },
          'rule-rejected',
        );
      } else if (action <= 2) {
        const i = r.int(0, segRank.length - 1);
        push({
          type: 'rule.upsert',
          id,
          ts,
          rule: segmentRule(r, segRank[i], segRank.slice(0, i)),
        });
        live.add(segRank[i]);
      } else if (action === 3 && live.size > 0) {
        const target = r.pick([...live]);
        live.delete(target);
        push({ type: 'rule.delete', id, ts, ruleId: target });
      } else if (action === 4) {
        const existing = [...triggerCapped.keys()].filter((t) => !deadTriggers.has(t));
        if (existing.length > 0 && r.chance(0.5)) {
          const target = r.pick(existing);
          deadTriggers.add(target);
          push({ type: 'rule.delete', id, ts, ruleId: target });
        } else {
          // Re-adding a deleted id starts from an empty firing history (docs/rules.md 4).
          const again = options.readdTriggers !== false && deadTriggers.size > 0 && r.chance(0.4);
          const tid = again
            ? r.pick([...deadTriggers])
            : `trg-${String.fromCharCode(97 + triggerCount)}`;
          if (again) deadTriggers.delete(tid);
          else triggerCount += 1;
          triggerCapped.set(tid, r.chance(0.4));
          push({
            type: 'rule.upsert',
            id,
            ts,
            rule: triggerRule(r, tid, segRank, triggerCapped.get(tid) ?? false),
          });
        }
      } else {
        const existing = [...triggerCapped.keys()].filter((t) => !deadTriggers.has(t));
        if (existing.length === 0) {
          push({ type: 'clock', id, ts });
          continue;
        }
        const target = r.pick(existing);
        const capped =
          options.capOnUncapped !== false ? r.chance(0.5) : (triggerCapped.get(target) ?? false);
        triggerCapped.set(target, capped);
        push({
          type: 'rule.upsert',
          id,
          ts,
          rule: triggerRule(r, target, segRank, capped, frequent),
        });
      }
      continue;
    }
    const type =
      echoType(r, echo) ?? (frequent && r.chance(0.5) ? 'behaviour' : r.pick(CUSTOMER_EVENT_TYPES));
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
      event.policyId = echo?.policyId ?? r.pick(['p1', 'p2']);
      event.product = r.pick(PRODUCTS);
      event.startDate = ts;
      event.endDate =
        cursor + r.pick([r.int(1, 48) * HOUR, r.int(2, 20) * DAY, -r.int(1, 48) * HOUR]);
      event.premium = r.pick([800, 1200.5, 3000]);
      if (r.chance(0.6)) event.attrs = { vehicleAge: r.int(0, 12), plateCity: r.pick(CITIES) };
      noteInstant(event.endDate as number, customerId, event);
    } else if (type === 'policy.cancelled')
      event.policyId = echo?.policyId ?? r.pick(['p1', 'p2', 'p9']);
    else if (type.startsWith('claim.')) {
      event.claimId = echo?.claimId ?? r.pick(['k1', 'k2']);
      if (r.chance(0.6)) event.amount = r.pick([300, 2000, 9999.5, 15000]);
    } else {
      event.action = echo?.action ?? r.pick(ACTIONS);
      if (r.chance(0.5)) event.props = { city: r.pick(CITIES), page: 'home' };
    }
    noteInstant(
      ts,
      customerId,
      type === 'customer.profile' || type.startsWith('tag.') ? undefined : event,
    );
    push(event);
  }
  return { seed, style, rules, lines };
}

/** An event type touching the same data as `echo` (same action, policy or claim), if any. */
function echoType(r: Rng, echo: JsonObject | undefined): string | undefined {
  if (echo === undefined) return undefined;
  if (echo.type === 'behaviour') return 'behaviour';
  if (String(echo.type).startsWith('claim.')) return `claim.${r.pick(CLAIM_STATUSES)}`;
  return r.pick(['policy.renewed', 'policy.cancelled', 'policy.issued']);
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
