/**
 * The json-rules-engine baseline: the bench's 60 segment conditions as json-rules-engine rules,
 * run for each event over plain in-memory customer objects (no store, no serde, no timers).
 *
 * What json-rules-engine expresses directly: `all`/`any`/`not`, attribute comparisons (each
 * attribute is a runtime fact; `equal`, `notEqual`, `in`, `notIn`, `greaterThan[Inclusive]`,
 * `lessThan[Inclusive]`), tags (`contains` on an array fact), event-window counts (the comparison
 * is declarative on a number fact) and evaluation order for segment references (rule priorities).
 * What it cannot, and how it is approximated:
 *  - "the attribute exists": no such operator; a custom `exists` operator is added, and `ne`/`nin`
 *    are written `all[exists, notEqual/notIn]` because json-rules-engine's `notEqual`/`notIn` are
 *    true for a missing fact (the contract says false).
 *  - "some policy / claim matches every field" and every time window (`expiresWithin`,
 *    `expiredWithin`, claim `within`, event `within`): there is no existential quantifier over a
 *    list or notion of `now`, so each is a dynamic fact with params, computed in plain JS. The
 *    policy `where` condition runs inside that fact.
 *  - segment references: a dynamic fact reading the membership that earlier-priority rules set in
 *    success/failure handlers.
 *  - time-caused flips (a window closing with no event) have no counterpart: json-rules-engine
 *    evaluates only when it is run, so the baseline never runs them; nor does it fire triggers.
 * The dynamic facts read the current customer from a field rather than through
 * `almanac.factValue`, which spares json-rules-engine a promise per fact (it favours the baseline).
 */
import { Engine } from 'json-rules-engine';
import type { TopLevelCondition } from 'json-rules-engine';
import { parseDuration } from '../../src/rules/index.js';
import type {
  AttrCondition,
  AttrValue,
  Condition,
  CustomerEvent,
  SegmentRule,
} from '../../src/rules/index.js';

interface PlainPolicy {
  product: string;
  status: 'active' | 'cancelled';
  endDate: number;
  attrs: Record<string, unknown>;
}

interface PlainClaim {
  status: string;
  statusTs: number;
  amount?: number;
}

export interface PlainCustomer {
  attrs: Record<string, AttrValue>;
  tags: string[];
  policies: Map<string, PlainPolicy>;
  claims: Map<string, PlainClaim>;
  behaviour: Map<string, number[]>;
  segments: Set<string>;
}

type JreCondition = Record<string, unknown>;

/** Applies an event to a plain customer, with the contract's effects (section 1). */
export function applyPlain(customer: PlainCustomer, event: CustomerEvent): void {
  switch (event.type) {
    case 'customer.profile':
      for (const [name, value] of Object.entries(event.attrs)) {
        if (value === null) delete customer.attrs[name];
        else customer.attrs[name] = value;
      }
      return;
    case 'tag.added':
      if (!customer.tags.includes(event.tag)) customer.tags.push(event.tag);
      return;
    case 'tag.removed': {
      const at = customer.tags.indexOf(event.tag);
      if (at >= 0) customer.tags.splice(at, 1);
      return;
    }
    case 'policy.issued':
    case 'policy.renewed': {
      const old = customer.policies.get(event.policyId);
      customer.policies.set(event.policyId, {
        product: event.product,
        status: 'active',
        endDate: event.endDate,
        attrs: event.attrs ?? old?.attrs ?? {},
      });
      return;
    }
    case 'policy.cancelled': {
      const policy = customer.policies.get(event.policyId);
      if (policy !== undefined) policy.status = 'cancelled';
      return;
    }
    case 'behaviour': {
      const times = customer.behaviour.get(event.action);
      if (times === undefined) customer.behaviour.set(event.action, [event.ts]);
      else times.push(event.ts);
      return;
    }
    default: {
      const old = customer.claims.get(event.claimId);
      customer.claims.set(event.claimId, {
        status: event.type.slice('claim.'.length),
        statusTs: event.ts,
        amount: event.amount ?? old?.amount,
      });
    }
  }
}

export function createPlainCustomer(): PlainCustomer {
  return {
    attrs: {},
    tags: [],
    policies: new Map(),
    claims: new Map(),
    behaviour: new Map(),
    segments: new Set(),
  };
}

const OPERATORS: Record<string, string> = {
  eq: 'equal',
  in: 'in',
  gt: 'greaterThan',
  gte: 'greaterThanInclusive',
  lt: 'lessThan',
  lte: 'lessThanInclusive',
};

const COUNT_OPERATORS: Record<string, string> = { eq: 'equal', ...OPERATORS };

function attrTest(attrs: Record<string, unknown>, condition: Condition): boolean {
  if ('all' in condition) return condition.all.every((c) => attrTest(attrs, c));
  if ('any' in condition) return condition.any.some((c) => attrTest(attrs, c));
  if ('not' in condition) return !attrTest(attrs, condition.not);
  const leaf = condition as AttrCondition;
  const value = attrs[leaf.attr];
  if (leaf.exists !== undefined) return (value !== undefined && value !== null) === leaf.exists;
  if (typeof value !== 'number' || value === null) return false;
  if (leaf.gte !== undefined) return typeof leaf.gte === 'number' && value >= leaf.gte;
  throw new Error(
    `bench: where form ${JSON.stringify(condition)} is not supported by the baseline`,
  );
}

export class JreBaseline {
  readonly customers = new Map<string, PlainCustomer>();
  transitions = 0;
  private readonly engine: Engine;
  private readonly wheres: Condition[] = [];
  private current: PlainCustomer = createPlainCustomer();
  private now = -Infinity;

  constructor(segments: readonly SegmentRule[]) {
    this.engine = new Engine([], { allowUndefinedFacts: true });
    this.engine.addOperator<unknown, boolean>(
      'exists',
      (fact, wanted) => (fact !== undefined) === wanted,
    );
    this.engine.addFact('tags', () => this.current.tags);
    this.engine.addFact('policy', (params) =>
      this.policyMatches(params as Record<string, unknown>),
    );
    this.engine.addFact('claim', (params) => this.claimMatches(params as Record<string, unknown>));
    this.engine.addFact('eventCount', (params) =>
      this.eventCount(params as { action: string; withinMs: number }),
    );
    this.engine.addFact('segment', (params) =>
      this.current.segments.has((params as { id: string }).id),
    );
    this.engine.on('success', (event) => this.setMembership(event.type, true));
    this.engine.on('failure', (event) => this.setMembership(event.type, false));
    const depth = segmentDepths(segments);
    for (const segment of segments) {
      this.engine.addRule({
        name: segment.id,
        priority: 100 - (depth.get(segment.id) ?? 0),
        conditions: this.topLevel(segment.when),
        event: { type: segment.id },
      });
    }
  }

  customer(id: string): PlainCustomer {
    let customer = this.customers.get(id);
    if (customer === undefined) {
      customer = createPlainCustomer();
      this.customers.set(id, customer);
    }
    return customer;
  }

  /** Applies the event with no evaluation (building the customer base). */
  applyOnly(event: CustomerEvent): void {
    applyPlain(this.customer(event.customerId), event);
    if (event.ts > this.now) this.now = event.ts;
  }

  /** Applies the event, then runs every segment rule for its customer at max(ts, now). */
  async process(event: CustomerEvent): Promise<void> {
    const customer = this.customer(event.customerId);
    applyPlain(customer, event);
    if (event.ts > this.now) this.now = event.ts;
    this.current = customer;
    await this.engine.run(customer.attrs);
  }

  private setMembership(segment: string, member: boolean): void {
    const segments = this.current.segments;
    if (segments.has(segment) === member) return;
    if (member) segments.add(segment);
    else segments.delete(segment);
    this.transitions += 1;
  }

  private topLevel(condition: Condition): TopLevelCondition {
    const converted = this.convert(condition);
    const isTop = 'all' in converted || 'any' in converted || 'not' in converted;
    return (isTop ? converted : { all: [converted] }) as TopLevelCondition;
  }

  private convert(condition: Condition): JreCondition {
    if ('all' in condition) return { all: condition.all.map((c) => this.convert(c)) };
    if ('any' in condition) return { any: condition.any.map((c) => this.convert(c)) };
    if ('not' in condition) return { not: this.convert(condition.not) };
    if ('tag' in condition) return { fact: 'tags', operator: 'contains', value: condition.tag };
    if ('segment' in condition)
      return { fact: 'segment', params: { id: condition.segment }, operator: 'equal', value: true };
    if ('policy' in condition) {
      const { product, status, expiresWithin, expiredWithin, where } = condition.policy;
      const params: Record<string, unknown> = {
        product: product === undefined ? undefined : [product].flat(),
        status,
        expiresWithinMs: expiresWithin === undefined ? undefined : parseDuration(expiresWithin),
        expiredWithinMs: expiredWithin === undefined ? undefined : parseDuration(expiredWithin),
        where: where === undefined ? undefined : this.wheres.push(where) - 1,
      };
      return { fact: 'policy', params, operator: 'equal', value: true };
    }
    if ('claim' in condition) {
      const { status, within, minAmount } = condition.claim;
      const params = {
        status: status === undefined ? undefined : [status].flat(),
        withinMs: within === undefined ? undefined : parseDuration(within),
        minAmount,
      };
      return { fact: 'claim', params, operator: 'equal', value: true };
    }
    if ('event' in condition) {
      const params = { action: condition.event, withinMs: parseDuration(condition.within) };
      const count = condition.count ?? { gte: 1 };
      const checks = Object.entries(count).map(([op, n]) => ({
        fact: 'eventCount',
        params,
        operator: COUNT_OPERATORS[op],
        value: n,
      }));
      return checks.length === 1 ? checks[0] : { all: checks };
    }
    return this.convertAttr(condition);
  }

  private convertAttr(leaf: AttrCondition): JreCondition {
    const exists = { fact: leaf.attr, operator: 'exists', value: true };
    if (leaf.exists !== undefined)
      return { fact: leaf.attr, operator: 'exists', value: leaf.exists };
    if (leaf.ne !== undefined)
      return { all: [exists, { fact: leaf.attr, operator: 'notEqual', value: leaf.ne }] };
    if (leaf.nin !== undefined)
      return { all: [exists, { fact: leaf.attr, operator: 'notIn', value: leaf.nin }] };
    for (const [op, operator] of Object.entries(OPERATORS)) {
      const value = (leaf as unknown as Record<string, unknown>)[op];
      if (value !== undefined) return { fact: leaf.attr, operator, value };
    }
    throw new Error(`bench: attribute condition ${JSON.stringify(leaf)} has no operator`);
  }

  private policyMatches(params: Record<string, unknown>): boolean {
    const product = params.product as string[] | undefined;
    const expires = params.expiresWithinMs as number | undefined;
    const expired = params.expiredWithinMs as number | undefined;
    const where = params.where === undefined ? undefined : this.wheres[params.where as number];
    const now = this.now;
    for (const policy of this.current.policies.values()) {
      if (product !== undefined && !product.includes(policy.product)) continue;
      if (params.status !== undefined && policy.status !== params.status) continue;
      if (expires !== undefined && !(policy.endDate - expires <= now && now < policy.endDate))
        continue;
      if (expired !== undefined && !(policy.endDate <= now && now < policy.endDate + expired))
        continue;
      if (where !== undefined && !attrTest(policy.attrs, where)) continue;
      return true;
    }
    return false;
  }

  private claimMatches(params: Record<string, unknown>): boolean {
    const status = params.status as string[] | undefined;
    const within = params.withinMs as number | undefined;
    const minAmount = params.minAmount as number | undefined;
    for (const claim of this.current.claims.values()) {
      if (status !== undefined && !status.includes(claim.status)) continue;
      if (
        within !== undefined &&
        !(claim.statusTs <= this.now && this.now < claim.statusTs + within)
      )
        continue;
      if (minAmount !== undefined && !(claim.amount !== undefined && claim.amount >= minAmount))
        continue;
      return true;
    }
    return false;
  }

  private eventCount(params: { action: string; withinMs: number }): number {
    const times = this.current.behaviour.get(params.action);
    if (times === undefined) return 0;
    let count = 0;
    for (let i = times.length - 1; i >= 0; i -= 1) {
      const ts = times[i];
      if (ts <= this.now - params.withinMs) break;
      if (ts <= this.now) count += 1;
    }
    return count;
  }
}

function segmentDepths(segments: readonly SegmentRule[]): Map<string, number> {
  const byId = new Map(segments.map((segment) => [segment.id, segment]));
  const depths = new Map<string, number>();
  const refs = (condition: Condition): string[] => {
    if ('all' in condition) return condition.all.flatMap(refs);
    if ('any' in condition) return condition.any.flatMap(refs);
    if ('not' in condition) return refs(condition.not);
    return 'segment' in condition ? [condition.segment] : [];
  };
  const depth = (id: string): number => {
    const known = depths.get(id);
    if (known !== undefined) return known;
    const segment = byId.get(id);
    const value = segment === undefined ? 0 : 1 + Math.max(-1, ...refs(segment.when).map(depth));
    depths.set(id, value);
    return value;
  };
  for (const segment of segments) depth(segment.id);
  return depths;
}
