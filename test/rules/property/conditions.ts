/**
 * Condition semantics written from the rules contract (section 3) alone, for the brute-force
 * oracle: every call recomputes from the raw customer data, nothing is cached or incremental.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export function durationMs(text: Json | undefined): number {
  const match = /^(\d+)([mhd])$/.exec(String(text));
  if (match === null) throw new Error(`oracle: not a duration: ${JSON.stringify(text)}`);
  return Number(match[1]) * UNIT_MS[match[2]];
}

export interface PolicyData {
  product: Json;
  endDate: number;
  status: 'active' | 'cancelled';
  attrs: JsonObject;
}

export interface ClaimData {
  status: string;
  statusTs: number;
  amount: number | undefined;
}

export interface CustomerData {
  id: string;
  attrs: Map<string, Json>;
  tags: Set<string>;
  policies: Map<string, PolicyData>;
  claims: Map<string, ClaimData>;
  behaviour: { action: string; ts: number }[];
  /** Segment ids the customer is currently in. */
  members: Set<string>;
}

type Lookup = (name: string) => Json | undefined;

const isScalar = (v: Json | undefined): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** `eq` of section 3: same JSON type and value; null and containers equal nothing. */
export function sameValue(a: Json | undefined, b: Json | undefined): boolean {
  return isScalar(a) && isScalar(b) && typeof a === typeof b && a === b;
}

function ordered(a: Json, b: Json, op: string): boolean {
  const comparable =
    (typeof a === 'number' && typeof b === 'number') ||
    (typeof a === 'string' && typeof b === 'string');
  if (!comparable) return false;
  const x = a as number | string;
  const y = b as number | string;
  if (op === 'gt') return x > y;
  if (op === 'gte') return x >= y;
  if (op === 'lt') return x < y;
  return x <= y;
}

function attrHolds(cond: JsonObject, lookup: Lookup): boolean {
  const value = lookup(String(cond.attr));
  if ('exists' in cond) return (value !== undefined) === cond.exists;
  if (value === undefined) return false;
  if ('eq' in cond) return sameValue(value, cond.eq);
  if ('ne' in cond) return !sameValue(value, cond.ne);
  if ('in' in cond) return (cond.in as Json[]).some((x) => sameValue(value, x));
  if ('nin' in cond) return !(cond.nin as Json[]).some((x) => sameValue(value, x));
  for (const op of ['gt', 'gte', 'lt', 'lte']) if (op in cond) return ordered(value, cond[op], op);
  throw new Error(`oracle: attr form without operator: ${JSON.stringify(cond)}`);
}

/** A `where` condition: only attr/all/any/not, against the policy's attrs (null = absent). */
function whereHolds(cond: JsonObject, attrs: JsonObject): boolean {
  if ('all' in cond) return (cond.all as JsonObject[]).every((c) => whereHolds(c, attrs));
  if ('any' in cond) return (cond.any as JsonObject[]).some((c) => whereHolds(c, attrs));
  if ('not' in cond) return !whereHolds(cond.not as JsonObject, attrs);
  return attrHolds(cond, (name) =>
    Object.hasOwn(attrs, name) && attrs[name] !== null ? attrs[name] : undefined,
  );
}

const oneOf = (spec: Json, value: string | Json): boolean =>
  Array.isArray(spec) ? spec.includes(value) : spec === value;

function policyMatches(spec: JsonObject, p: PolicyData, now: number): boolean {
  if ('product' in spec && !oneOf(spec.product, p.product)) return false;
  if ('status' in spec && spec.status !== p.status) return false;
  if ('expiresWithin' in spec) {
    const d = durationMs(spec.expiresWithin);
    if (!(p.endDate - d <= now && now < p.endDate)) return false;
  }
  if ('expiredWithin' in spec) {
    const d = durationMs(spec.expiredWithin);
    if (!(p.endDate <= now && now < p.endDate + d)) return false;
  }
  if ('where' in spec && !whereHolds(spec.where as JsonObject, p.attrs)) return false;
  return true;
}

function claimMatches(spec: JsonObject, c: ClaimData, now: number): boolean {
  if ('status' in spec && !oneOf(spec.status, c.status)) return false;
  if ('within' in spec) {
    const d = durationMs(spec.within);
    if (!(c.statusTs <= now && now < c.statusTs + d)) return false;
  }
  if ('minAmount' in spec && !(c.amount !== undefined && c.amount >= (spec.minAmount as number)))
    return false;
  return true;
}

function countHolds(n: number, count: JsonObject | undefined): boolean {
  if (count === undefined) return n >= 1;
  for (const [op, v] of Object.entries(count)) {
    const k = v as number;
    const ok =
      op === 'eq'
        ? n === k
        : op === 'gt'
          ? n > k
          : op === 'gte'
            ? n >= k
            : op === 'lt'
              ? n < k
              : n <= k;
    if (!ok) return false;
  }
  return true;
}

/** Whether `cond` holds for customer `c` when stream time is `now`. */
export function holds(cond: JsonObject, c: CustomerData, now: number): boolean {
  if ('all' in cond) return (cond.all as JsonObject[]).every((x) => holds(x, c, now));
  if ('any' in cond) return (cond.any as JsonObject[]).some((x) => holds(x, c, now));
  if ('not' in cond) return !holds(cond.not as JsonObject, c, now);
  if ('attr' in cond) return attrHolds(cond, (name) => c.attrs.get(name));
  if ('tag' in cond) return c.tags.has(String(cond.tag));
  if ('policy' in cond)
    return [...c.policies.values()].some((p) => policyMatches(cond.policy as JsonObject, p, now));
  if ('claim' in cond)
    return [...c.claims.values()].some((k) => claimMatches(cond.claim as JsonObject, k, now));
  if ('event' in cond) {
    const d = durationMs(cond.within);
    const n = c.behaviour.filter(
      (b) => b.action === cond.event && now - d < b.ts && b.ts <= now,
    ).length;
    return countHolds(n, cond.count as JsonObject | undefined);
  }
  if ('segment' in cond) return c.members.has(String(cond.segment));
  throw new Error(`oracle: unknown condition form: ${JSON.stringify(cond)}`);
}

/** Segment ids a condition references (not inside `where`, which reads policy attrs only). */
export function segmentRefs(cond: JsonObject): string[] {
  if ('all' in cond) return (cond.all as JsonObject[]).flatMap(segmentRefs);
  if ('any' in cond) return (cond.any as JsonObject[]).flatMap(segmentRefs);
  if ('not' in cond) return segmentRefs(cond.not as JsonObject);
  if ('segment' in cond) return [String(cond.segment)];
  return [];
}
