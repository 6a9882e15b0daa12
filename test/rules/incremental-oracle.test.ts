import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  applyEvent,
  compileRules,
  createCustomerState,
  evaluate,
  isHeldOut,
  parseDuration,
  renderParams,
  validateEvent,
  validateRule,
  type CustomerEvent,
  type CustomerState,
  type InputEvent,
  type Rule,
  type TriggerRule,
} from '../../src/rules/index.js';
import { Driver } from './support/driver.js';
import { seededRandom } from '../../src/cli/dev/synthetic-events.js';

/*
 * Checks the incremental engine (index-driven re-evaluation, wake instants from nextFlip) against
 * a brute-force oracle that evaluates every segment at every minute and after every record. All
 * times are whole minutes, so every flip falls on a minute the oracle visits.
 */

const MIN = 60_000;
const T0 = 1_700_000_040_000 - (1_700_000_040_000 % MIN);

function generate(seed: number): { rules: Rule[]; events: object[]; end: number } {
  const rand = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const dur = (): string => `${1 + Math.floor(rand() * 20)}m`;
  const leaf = (refs: string[]): unknown =>
    pick([
      () => ({ attr: 'a', [pick(['eq', 'ne', 'gt', 'lte'])]: Math.floor(rand() * 3) }),
      () => ({ attr: 'a', exists: rand() < 0.5 }),
      () => ({ tag: pick(['x', 'y']) }),
      () => ({ policy: { expiresWithin: dur(), ...(rand() < 0.5 ? { status: 'active' } : {}) } }),
      () => ({ policy: { product: pick(['auto', 'home']), expiredWithin: dur() } }),
      () => ({
        claim: {
          within: dur(),
          ...(rand() < 0.5 ? { status: pick(['settled', 'reported']) } : {}),
        },
      }),
      () => ({ event: pick(['open', 'view']), within: dur() }),
      () => ({
        event: 'open',
        within: dur(),
        count: { [pick(['eq', 'gte', 'lt'])]: Math.floor(rand() * 3) },
      }),
      () => (refs.length > 0 ? { segment: pick(refs) } : { tag: 'x' }),
    ])();
  const cond = (refs: string[], depth: number): unknown => {
    if (depth === 0 || rand() < 0.4) return leaf(refs);
    const kind = pick(['all', 'any', 'not']);
    if (kind === 'not') return { not: cond(refs, depth - 1) };
    return {
      [kind]: Array.from({ length: 1 + Math.floor(rand() * 3) }, () => cond(refs, depth - 1)),
    };
  };
  const rules: Rule[] = [];
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const id = `s${(i * 7) % 6}`;
    const result = validateRule(
      { id, kind: 'segment', when: cond([...ids], 2) },
      { existingRules: rules },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    rules.push(result.rule);
    ids.push(id);
  }
  for (let i = 0; i < 5; i++) {
    const on = pick([
      () => ({ event: pick(['tag.added', 'claim.settled', 'customer.profile']) }),
      () => ({ event: 'behaviour', action: 'open' }),
      () => ({ [pick(['enter', 'exit'])]: pick(ids) }),
      () => ({ broadcast: 'alert', ...(rand() < 0.7 ? { match: { attr: 'a', prop: 'a' } } : {}) }),
    ])();
    const json = {
      id: `t${i}`,
      kind: 'trigger',
      on,
      ...(rand() < 0.5 ? { if: cond([...ids], 1) } : {}),
      ...(rand() < 0.5 ? { delay: `${Math.floor(rand() * 10)}m` } : {}),
      ...(rand() < 0.5 ? { cap: { max: 1 + Math.floor(rand() * 2), per: dur() } } : {}),
      ...(rand() < 0.3 ? { holdout: 0.5 } : {}),
      touch: {
        channel: 'push',
        template: `tpl${i}`,
        params: { e: '${event.id}${event.segment}', a: '${attr.a}' },
      },
    };
    const result = validateRule(json, { existingRules: rules });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    rules.push(result.rule);
  }
  const events: object[] = [];
  let ts = T0;
  for (let i = 0; i < 60; i++) {
    if (rand() < 0.6) ts += Math.floor(rand() * 8) * MIN;
    const late = rand() < 0.1 ? ts - Math.floor(rand() * 5) * MIN : ts;
    const customerId = pick(['c1', 'c2', 'c3']);
    const base = { id: `e${i}`, ts: late, customerId };
    events.push(
      pick([
        () => ({
          ...base,
          type: 'customer.profile',
          attrs: { a: rand() < 0.2 ? null : Math.floor(rand() * 3) },
        }),
        () => ({ ...base, type: pick(['tag.added', 'tag.removed']), tag: pick(['x', 'y']) }),
        () => ({
          ...base,
          type: pick(['policy.issued', 'policy.renewed']),
          policyId: pick(['p1', 'p2']),
          product: pick(['auto', 'home']),
          startDate: late,
          endDate: late + Math.floor(rand() * 30) * MIN,
          premium: 1,
        }),
        () => ({ ...base, type: 'policy.cancelled', policyId: pick(['p1', 'p2']) }),
        () => ({
          ...base,
          type: pick(['claim.reported', 'claim.settled']),
          claimId: pick(['k1', 'k2']),
        }),
        () => ({ ...base, type: 'behaviour', action: pick(['open', 'view']) }),
        () => ({
          id: `e${i}`,
          ts: late,
          type: 'broadcast',
          topic: 'alert',
          props: { a: Math.floor(rand() * 3) },
        }),
      ])(),
    );
  }
  return { rules, events, end: ts };
}

type Row = [number, string, string, string];
type TouchRow = [number, string, string, string, boolean];

interface OracleCustomer {
  state: CustomerState;
  pending: { trigger: string; due: number; event: object }[];
  written: Map<string, number[]>;
}

function oracle(rules: Rule[], events: object[]): { rows: Row[]; touches: TouchRow[] } {
  const set = compileRules(rules);
  const order = set.segments.map((s) => s.rule);
  const triggers = [...set.triggers.values()]
    .map((t) => t.rule)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const customers = new Map<string, OracleCustomer>();
  const rows: Row[] = [];
  const touches: TouchRow[] = [];
  type Occ = { trigger: TriggerRule; event: object; due: boolean };

  const evaluateAll = (c: OracleCustomer, at: number, occ: Occ[]): void => {
    for (const rule of order) {
      const is = evaluate(rule.when, c.state, at);
      if (is === c.state.segments.has(rule.id)) continue;
      if (is) c.state.segments.add(rule.id);
      else c.state.segments.delete(rule.id);
      const transition = {
        at,
        segment: rule.id,
        customerId: c.state.customerId,
        change: is ? 'enter' : 'exit',
      };
      rows.push([at, rule.id, c.state.customerId, transition.change]);
      for (const t of triggers) {
        const on = t.on as Record<string, unknown>;
        if (on[transition.change] === rule.id)
          occ.push({ trigger: t, event: transition, due: false });
      }
    }
  };
  const fireAll = (c: OracleCustomer, at: number, occ: Occ[]): void => {
    for (const { trigger, event, due } of occ) {
      const delay = trigger.delay === undefined ? 0 : parseDuration(trigger.delay);
      if (!due && delay > 0) {
        c.pending.push({ trigger: trigger.id, due: at + delay, event });
        c.pending.sort((a, b) => a.due - b.due);
        continue;
      }
      if (trigger.if !== undefined && !evaluate(trigger.if, c.state, at)) continue;
      if (trigger.cap !== undefined) {
        const per = parseDuration(trigger.cap.per);
        const times = c.written.get(trigger.id) ?? [];
        if (times.filter((w) => at - per < w && w <= at).length >= trigger.cap.max) continue;
        c.written.set(trigger.id, [...times, at]);
      }
      const params = renderParams(trigger.touch.params, c.state.attrs, event);
      touches.push([
        at,
        trigger.id,
        c.state.customerId,
        JSON.stringify(params),
        isHeldOut(trigger.id, c.state.customerId, trigger.holdout ?? 0),
      ]);
    }
  };
  /** Time reaches `at`: flips and due firings; returns the occurrences to fire after the instant's record. */
  const timeStep = (c: OracleCustomer, at: number): Occ[] => {
    const occ: Occ[] = [];
    while (c.pending.length > 0 && c.pending[0].due === at) {
      const p = c.pending.shift() as { trigger: string; event: object };
      const trigger = triggers.find((t) => t.id === p.trigger) as TriggerRule;
      occ.push({ trigger, event: p.event, due: true });
    }
    evaluateAll(c, at, occ);
    return occ;
  };

  let now = -Infinity;
  for (const json of events) {
    const event = (validateEvent(json) as { event: InputEvent }).event;
    const held = new Map<string, Occ[]>();
    if (event.ts > now) {
      if (now !== -Infinity) {
        for (let t = now + MIN; t < event.ts; t += MIN)
          for (const c of customers.values()) fireAll(c, t, timeStep(c, t));
        for (const c of customers.values()) held.set(c.state.customerId, timeStep(c, event.ts));
      }
      now = event.ts;
    }
    const touched = new Map<string, Occ[]>();
    if (event.type === 'broadcast') {
      for (const c of customers.values()) {
        const occ: Occ[] = [];
        for (const t of triggers) {
          const on = t.on as { broadcast?: string; match?: { attr: string; prop: string } };
          if (on.broadcast !== event.topic) continue;
          if (on.match !== undefined) {
            const value = c.state.attrs.get(on.match.attr);
            if (value === undefined || value !== event.props[on.match.prop]) continue;
          }
          occ.push({ trigger: t, event, due: false });
        }
        touched.set(c.state.customerId, occ);
      }
    } else {
      const ce = event as CustomerEvent;
      let c = customers.get(ce.customerId);
      if (c === undefined) {
        c = { state: createCustomerState(ce.customerId), pending: [], written: new Map() };
        customers.set(ce.customerId, c);
      }
      applyEvent(c.state, ce);
      const occ: Occ[] = [];
      for (const t of triggers) {
        const on = t.on as { event?: string; action?: string };
        if (
          on.event === ce.type &&
          (on.action === undefined || (ce.type === 'behaviour' && ce.action === on.action))
        ) {
          occ.push({ trigger: t, event: ce, due: false });
        }
      }
      evaluateAll(c, now, occ);
      touched.set(c.state.customerId, occ);
    }
    for (const c of customers.values()) {
      const id = c.state.customerId;
      fireAll(c, now, [...(held.get(id) ?? []), ...(touched.get(id) ?? [])]);
    }
  }
  return { rows, touches };
}

const sortRows = (rows: Row[]): Row[] =>
  [...rows].sort(
    (a, b) =>
      a[0] - b[0] ||
      (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) ||
      (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0) ||
      (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0),
  );

const sortTouches = (rows: TouchRow[]): TouchRow[] =>
  [...rows].sort(
    (a, b) =>
      a[0] - b[0] ||
      (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) ||
      (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0),
  );

describe('incremental evaluation against a brute-force oracle', () => {
  test('emits exactly the transitions and touches of evaluating everything at every minute, over 150 random scenarios', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const { rules, events } = generate(seed);
      const driver = new Driver(rules).play(events);
      const got = sortRows(
        driver.transitions.map((t) => [t.at, t.segment, t.customerId, t.change] as Row),
      );
      const expected = oracle(rules, events);
      assert.deepEqual(got, sortRows(expected.rows), `seed ${seed}: ${JSON.stringify(rules)}`);
      const touches = driver
        .sortedTouches()
        .map(
          (t) => [t.at, t.trigger, t.customerId, JSON.stringify(t.params), t.heldOut] as TouchRow,
        );
      assert.deepEqual(
        touches,
        sortTouches(expected.touches),
        `seed ${seed}: ${JSON.stringify(rules)}`,
      );
    }
  });
});
