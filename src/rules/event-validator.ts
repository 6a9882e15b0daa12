import { CONTROL_EVENT_TYPES, CUSTOMER_EVENT_TYPES, type InputEvent } from './types.js';

export type EventValidation = { ok: true; event: InputEvent } | { ok: false; reason: string };

type Check = (value: unknown) => string | undefined;

// The contract asks for strings and nothing more, so an empty string is a (poor) valid value.
const text: Check = (v) => (typeof v === 'string' ? undefined : 'must be a string');
const epochMs: Check = (v) =>
  Number.isSafeInteger(v) ? undefined : 'must be an integer (epoch ms)';
const number: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) ? undefined : 'must be a number';
const object: Check = (v) =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? undefined : 'must be an object';

const CUSTOMER = new Set<string>(CUSTOMER_EVENT_TYPES);
const KNOWN = new Set<string>([...CUSTOMER_EVENT_TYPES, ...CONTROL_EVENT_TYPES]);

/** Per type, the fields it needs (`?` marks optional ones), beyond type, id, ts and customerId. */
const FIELDS: Record<string, [string, Check][]> = {
  'customer.profile': [['attrs', object]],
  'tag.added': [['tag', text]],
  'tag.removed': [['tag', text]],
  'policy.issued': policyFields(),
  'policy.renewed': policyFields(),
  'policy.cancelled': [['policyId', text]],
  'claim.reported': claimFields(),
  'claim.assessed': claimFields(),
  'claim.settled': claimFields(),
  'claim.rejected': claimFields(),
  behaviour: [
    ['action', text],
    ['props?', object],
  ],
  broadcast: [
    ['topic', text],
    ['props', object],
  ],
  clock: [],
  'rule.upsert': [['rule', object]],
  'rule.delete': [['ruleId', text]],
};

function policyFields(): [string, Check][] {
  return [
    ['policyId', text],
    ['product', text],
    ['startDate', epochMs],
    ['endDate', epochMs],
    ['premium', number],
    ['attrs?', object],
  ];
}

function claimFields(): [string, Check][] {
  return [
    ['claimId', text],
    ['amount?', number],
  ];
}

/**
 * Checks one input event (contract section 1). Fields the contract does not name are tolerated
 * and kept. A `rule.upsert` is valid when `rule` is an object: whether the rule itself is valid is
 * `validateRule`'s call, and the processor reports a rejected rule on its own.
 */
export function validateEvent(json: unknown): EventValidation {
  if (object(json) !== undefined) return { ok: false, reason: 'event: must be a JSON object' };
  const event = json as Record<string, unknown>;
  const type = event.type;
  if (!Object.hasOwn(event, 'type')) return { ok: false, reason: 'event: type is missing' };
  if (typeof type !== 'string') return { ok: false, reason: 'event: type must be a string' };
  if (!KNOWN.has(type)) return { ok: false, reason: `event: unknown type ${JSON.stringify(type)}` };

  const fail = (field: string, problem: string): EventValidation => ({
    ok: false,
    reason: `${type}: ${field} ${problem}`,
  });
  const checks: [string, Check][] = [
    ['id', text],
    ['ts', epochMs],
  ];
  if (CUSTOMER.has(type)) checks.push(['customerId', text]);
  checks.push(...FIELDS[type]);
  for (const [spec, check] of checks) {
    const optional = spec.endsWith('?');
    const field = optional ? spec.slice(0, -1) : spec;
    if (!Object.hasOwn(event, field)) {
      if (optional) continue;
      return fail(field, 'is missing');
    }
    const problem = check(event[field]);
    if (problem !== undefined) return fail(field, problem);
  }
  if (type === 'customer.profile') {
    const attrs = event.attrs as Record<string, unknown>;
    for (const name of Object.keys(attrs)) {
      const value = attrs[name];
      if (
        value !== null &&
        typeof value !== 'string' &&
        typeof value !== 'boolean' &&
        number(value) !== undefined
      ) {
        return fail(`attrs.${name}`, 'must be a string, number, boolean or null');
      }
    }
  }
  return { ok: true, event: event as InputEvent };
}

/** Parses and checks one line of input; a line that is not JSON is rejected with the parser's reason. */
export function parseEvent(line: string): EventValidation {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return {
      ok: false,
      reason: `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return validateEvent(json);
}

/** Whether a valid event is about one customer (and so carries `customerId`). */
export function isCustomerEvent(
  event: InputEvent,
): event is Extract<InputEvent, { customerId: string }> {
  return CUSTOMER.has(event.type);
}
