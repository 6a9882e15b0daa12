/**
 * A deliberately simple, slow evaluator of the rules contract (sections 1-4), written without
 * looking at src/rules/. At every instant where anything could happen it recomputes every
 * condition of every known customer from the raw data, so no incremental bookkeeping can hide a bug.
 *
 * Choices the contract leaves open follow docs/rules.md; the ones this oracle relies on are listed
 * in ORACLE_CHOICES so a reader can check them against the engine's docs.
 */
import { createHash } from 'node:crypto';
import { durationMs, holds, sameValue, segmentRefs } from './conditions.js';
import type { CustomerData, Json, JsonObject } from './conditions.js';

export type { Json, JsonObject } from './conditions.js';

export const ORACLE_CHOICES = [
  'policy.issued/renewed without attrs keeps the attrs; a claim event without amount keeps the amount (docs 1)',
  'policy.cancelled of an unknown policy changes nothing but is still a customer event (docs 1)',
  'held time-flip triggers at t resolve against the rules in force after the record at t (docs 7)',
  'the triggering event of enter/exit is the transition record {at, segment, customerId, change} (docs 4)',
  'template values: strings as is, numbers/booleans/objects as JSON, absent as "" (docs 4)',
  'delayed firings due at the same instant fire in the order their ON happened (not stated: flagged)',
  'deleting a trigger drops its firing history, so a re-added id starts uncapped (docs 4, retention)',
];

/** One input line and what the generator built it to be. */
export interface OracleLine {
  text: string;
  /** `invalid`: must be dead-lettered and ignored; `rule-rejected`: a valid event whose rule is rejected. */
  kind: 'valid' | 'invalid' | 'rule-rejected';
}

export interface OracleResult {
  transitions: string[];
  touches: string[];
  /** 1-based line numbers that must appear in the dead letters. */
  deadLetterLines: number[];
  /** Situations whose outcome the contract does not fix; a seed with any is not compared. */
  ambiguous: string[];
}

interface Pending {
  triggerId: string;
  customerId: string;
  due: number;
  event: JsonObject;
}

interface Occurrence {
  triggerId: string;
  event: JsonObject;
}

const CUSTOMER_TYPES = new Set([
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
]);

export function holdoutFraction(triggerId: string, customerId: string): number {
  const hex = createHash('sha256').update(`${triggerId}:${customerId}`).digest('hex').slice(0, 8);
  return parseInt(hex, 16) / 2 ** 32;
}

function valueText(v: Json | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function walk(event: JsonObject, path: string): Json | undefined {
  let cur: Json | undefined = event;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, part))
      return undefined;
    cur = cur[part];
  }
  return cur;
}

function render(params: JsonObject | undefined, c: CustomerData, event: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    out[k] =
      typeof v === 'string'
        ? v.replace(/\$\{(attr|event)\.([^}]+)\}/g, (_m, src: string, path: string) =>
            valueText(src === 'attr' ? c.attrs.get(path) : walk(event, path)),
          )
        : v;
  }
  return out;
}

/** Every instant at which a time-based condition or a delayed firing could possibly change. */
function candidateInstants(rules: JsonObject[], events: JsonObject[]): number[] {
  const durations = new Set<number>([0]);
  const collect = (x: Json): void => {
    if (typeof x === 'string' && /^\d+[mhd]$/.test(x)) durations.add(durationMs(x));
    else if (Array.isArray(x)) x.forEach(collect);
    else if (x !== null && typeof x === 'object') Object.values(x).forEach(collect);
  };
  rules.forEach(collect);
  const bases = new Set<number>();
  for (const e of events) {
    if (e.type === 'rule.upsert') collect(e.rule);
    bases.add(e.ts as number);
    if (typeof e.endDate === 'number') bases.add(e.endDate);
  }
  const out = new Set<number>();
  for (const b of bases) for (const d of durations) out.add(b + d).add(b - d);
  return [...out].sort((a, b) => a - b);
}

export function runOracle(initialRules: JsonObject[], lines: OracleLine[]): OracleResult {
  const rules = new Map<string, JsonObject>();
  for (const r of initialRules) rules.set(String(r.id), r);
  const customers = new Map<string, CustomerData>();
  const firings = new Map<string, number[]>();
  let pending: Pending[] = [];
  const transitions: string[] = [];
  const touches: string[] = [];
  const deadLetterLines: number[] = [];
  const ambiguous: string[] = [];

  const parsed: (JsonObject | null)[] = lines.map((l) =>
    l.kind === 'invalid' ? null : (JSON.parse(l.text) as JsonObject),
  );
  const candidates = candidateInstants(
    initialRules,
    parsed.filter((e): e is JsonObject => e !== null),
  );

  const triggers = (): JsonObject[] =>
    [...rules.values()]
      .filter((r) => r.kind === 'trigger')
      .sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));

  /** Segments with each after the segments it references. */
  const segmentOrder = (): JsonObject[] => {
    const out: JsonObject[] = [];
    const done = new Set<string>();
    const visit = (id: string): void => {
      const seg = rules.get(id);
      if (done.has(id) || seg === undefined || seg.kind !== 'segment') return;
      done.add(id);
      for (const ref of segmentRefs(seg.when as JsonObject)) visit(ref);
      out.push(seg);
    };
    [...rules.keys()].sort().forEach(visit);
    return out;
  };

  /** Re-evaluates every segment for every known customer at `now`; returns the transitions per customer. */
  const evaluate = (now: number): Map<string, JsonObject[]> => {
    const result = new Map<string, JsonObject[]>();
    const order = segmentOrder();
    for (const c of customers.values()) {
      const list: JsonObject[] = [];
      for (const seg of order) {
        const id = String(seg.id);
        const inNow = holds(seg.when as JsonObject, c, now);
        if (inNow === c.members.has(id)) continue;
        if (inNow) c.members.add(id);
        else c.members.delete(id);
        const t = { at: now, segment: id, customerId: c.id, change: inNow ? 'enter' : 'exit' };
        transitions.push(JSON.stringify(t));
        list.push(t);
      }
      result.set(c.id, list);
    }
    return result;
  };

  /** Fires one occurrence; true when a touch was written. */
  const fire = (c: CustomerData, occ: Occurrence, at: number): boolean => {
    const trigger = rules.get(occ.triggerId);
    if (trigger === undefined || trigger.kind !== 'trigger') return false;
    if (trigger.if !== undefined && !holds(trigger.if as JsonObject, c, at)) return false;
    const key = `${occ.triggerId}\u0000${c.id}`;
    const history = firings.get(key) ?? [];
    const cap = trigger.cap as JsonObject | undefined;
    if (cap !== undefined) {
      const per = durationMs(cap.per);
      if (history.filter((x) => at - per < x && x <= at).length >= (cap.max as number))
        return false;
    }
    history.push(at);
    firings.set(key, history);
    const touch = trigger.touch as JsonObject;
    const heldOut =
      trigger.holdout !== undefined &&
      holdoutFraction(occ.triggerId, c.id) < (trigger.holdout as number);
    touches.push(
      JSON.stringify({
        at,
        trigger: occ.triggerId,
        customerId: c.id,
        channel: touch.channel,
        template: touch.template,
        params: render(touch.params as JsonObject | undefined, c, occ.event),
        heldOut,
      }),
    );
    return true;
  };

  /** ON happened at `at`: fire now or wait for the delay. */
  const happen = (c: CustomerData, occ: Occurrence, at: number): void => {
    const trigger = rules.get(occ.triggerId);
    if (trigger?.delay === undefined) fire(c, occ, at);
    else
      pending.push({
        triggerId: occ.triggerId,
        customerId: c.id,
        due: at + durationMs(trigger.delay),
        event: occ.event,
      });
  };

  /**
   * Delayed firings due at `at`, in the order their ON happened. The contract does not order
   * firings of one trigger due at the same instant; that order only shows when the cap writes
   * some of them and their params differ, which is then reported as ambiguous.
   */
  const fireDue = (c: CustomerData, at: number): void => {
    const due = pending.filter((p) => p.customerId === c.id && p.due === at);
    pending = pending.filter((p) => !(p.customerId === c.id && p.due === at));
    const groups = new Map<string, { params: Set<string>; tried: number; written: number }>();
    for (const p of due) {
      const trigger = rules.get(p.triggerId);
      const group = groups.get(p.triggerId) ?? { params: new Set(), tried: 0, written: 0 };
      groups.set(p.triggerId, group);
      const touch = trigger?.touch as JsonObject | undefined;
      group.params.add(JSON.stringify(render(touch?.params as JsonObject | undefined, c, p.event)));
      group.tried += 1;
      if (fire(c, p, at)) group.written += 1;
    }
    for (const [triggerId, g] of groups)
      if (g.written > 0 && g.written < g.tried && g.params.size > 1)
        ambiguous.push(`delayed firings of capped ${triggerId} for ${c.id} due at ${at}`);
  };

  /** Ids of the triggers in force whose ON is this transition. */
  const reachedBy = (t: JsonObject): string[] =>
    triggers()
      .filter((trig) => {
        const on = trig.on as JsonObject;
        return (t.change === 'enter' ? on.enter : on.exit) === t.segment;
      })
      .map((trig) => String(trig.id));

  const transitionTriggers = (c: CustomerData, list: JsonObject[], at: number): void => {
    for (const t of list)
      for (const triggerId of reachedBy(t)) happen(c, { triggerId, event: t }, at);
  };

  /** Time-caused flips at one instant `w` (no record at `w`): evaluate, then fire. */
  const timeInstant = (w: number): void => {
    const flips = evaluate(w);
    for (const c of customers.values()) {
      fireDue(c, w);
      transitionTriggers(c, flips.get(c.id) ?? [], w);
    }
  };

  const nextInstant = (after: number, upTo: number): number | undefined => {
    let best: number | undefined;
    for (const x of candidates)
      if (x > after && x < upTo) {
        best = x;
        break;
      }
    for (const p of pending)
      if (p.due > after && p.due < upTo && (best === undefined || p.due < best)) best = p.due;
    return best;
  };

  const applyCustomerEvent = (e: JsonObject): CustomerData => {
    const id = String(e.customerId);
    let c = customers.get(id);
    if (c === undefined) {
      c = {
        id,
        attrs: new Map(),
        tags: new Set(),
        policies: new Map(),
        claims: new Map(),
        behaviour: [],
        members: new Set(),
      };
      customers.set(id, c);
    }
    const type = String(e.type);
    if (type === 'customer.profile') {
      for (const [k, v] of Object.entries(e.attrs as JsonObject)) {
        if (v === null) c.attrs.delete(k);
        else c.attrs.set(k, v);
      }
    } else if (type === 'tag.added') c.tags.add(String(e.tag));
    else if (type === 'tag.removed') c.tags.delete(String(e.tag));
    else if (type === 'policy.issued' || type === 'policy.renewed') {
      const old = c.policies.get(String(e.policyId));
      c.policies.set(String(e.policyId), {
        product: e.product,
        endDate: e.endDate as number,
        status: 'active',
        attrs: (e.attrs as JsonObject | undefined) ?? old?.attrs ?? {},
      });
    } else if (type === 'policy.cancelled') {
      const p = c.policies.get(String(e.policyId));
      if (p !== undefined) p.status = 'cancelled';
    } else if (type.startsWith('claim.')) {
      const old = c.claims.get(String(e.claimId));
      c.claims.set(String(e.claimId), {
        status: type.slice('claim.'.length),
        statusTs: e.ts as number,
        amount: typeof e.amount === 'number' ? e.amount : old?.amount,
      });
    } else if (type === 'behaviour')
      c.behaviour.push({ action: String(e.action), ts: e.ts as number });
    return c;
  };

  const applyRuleChange = (e: JsonObject): void => {
    const id = String(e.type === 'rule.upsert' ? (e.rule as JsonObject).id : e.ruleId);
    const old = rules.get(id);
    if (old?.kind === 'segment') {
      const replacedBySegment =
        e.type === 'rule.upsert' && (e.rule as JsonObject).kind === 'segment';
      if (!replacedBySegment) for (const c of customers.values()) c.members.delete(id);
    }
    if (e.type === 'rule.upsert') rules.set(id, e.rule as JsonObject);
    else {
      rules.delete(id);
      pending = pending.filter((p) => p.triggerId !== id);
      for (const key of [...firings.keys()]) if (key.startsWith(`${id}\u0000`)) firings.delete(key);
    }
  };

  let now: number | undefined;
  lines.forEach((line, index) => {
    if (line.kind === 'invalid') {
      deadLetterLines.push(index + 1);
      return;
    }
    if (line.kind === 'rule-rejected') deadLetterLines.push(index + 1);
    const e = parsed[index] as JsonObject;
    const ts = e.ts as number;
    let heldFlips = new Map<string, JsonObject[]>();
    let fresh = false;
    if (now === undefined || ts > now) {
      if (now !== undefined) {
        for (let w = nextInstant(now, ts); w !== undefined; w = nextInstant(w, ts)) timeInstant(w);
        heldFlips = evaluate(ts);
        fresh = true;
      }
      now = ts;
    }
    const at = now;
    const type = String(e.type);
    let subject: CustomerData | undefined;
    if (CUSTOMER_TYPES.has(type)) subject = applyCustomerEvent(e);
    else if (line.kind === 'valid' && (type === 'rule.upsert' || type === 'rule.delete'))
      applyRuleChange(e);
    const after = evaluate(at);
    for (const c of customers.values()) {
      if (fresh) {
        fireDue(c, at);
        transitionTriggers(c, heldFlips.get(c.id) ?? [], at);
      }
      if (c === subject) {
        for (const trig of triggers()) {
          const on = trig.on as JsonObject;
          if (on.event === type && (on.action === undefined || on.action === e.action))
            happen(c, { triggerId: String(trig.id), event: e }, at);
        }
      }
      if (type === 'broadcast') {
        for (const trig of triggers()) {
          const on = trig.on as JsonObject;
          if (on.broadcast !== e.topic) continue;
          const match = on.match as JsonObject | undefined;
          const props = e.props as JsonObject;
          if (match !== undefined) {
            const prop = String(match.prop);
            if (!Object.hasOwn(props, prop)) continue;
            const mine = c.attrs.get(String(match.attr));
            if (!sameValue(mine, props[prop])) continue;
          }
          happen(c, { triggerId: String(trig.id), event: e }, at);
        }
      }
      transitionTriggers(c, after.get(c.id) ?? [], at);
    }
  });
  return { transitions, touches, deadLetterLines, ambiguous };
}
