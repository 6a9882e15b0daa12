import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { DURATION_PATTERN, tryParseDuration } from './duration.js';
import { RuleRejectedError, type RuleProblem } from './errors.js';
import { childPath, documentOrder, pointerToPath } from './json-path.js';
import { ruleSchema } from './rule-schema.js';
import type { Rule } from './types.js';

/** Behaviour history is kept this long unless configured otherwise (contract section 4). */
export const DEFAULT_RETENTION_MS = 90 * 86_400_000;

export interface RuleValidationContext {
  /** Longest `within` a rule may use: behaviour older than this is no longer kept. */
  retentionMs?: number;
  /** The rules in force; a rule with the same id is the one being replaced. */
  existingRules?: Iterable<Rule> | ReadonlyMap<string, Rule>;
}

export type RuleValidation = { ok: true; rule: Rule } | { ok: false; errors: RuleProblem[] };

let compiled: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv({
      allErrors: true,
      verbose: true,
      allowUnionTypes: true,
      strict: true,
      strictRequired: false,
    });
    ajv.addKeyword({ keyword: 'x-messages', schemaType: 'object' });
    ajv.addKeyword({ keyword: 'x-forms', schemaType: 'object' });
    compiled = ajv.compile(ruleSchema);
  }
  return compiled;
}

type XMessages = Record<string, string> | undefined;

function schemaProblem(error: ErrorObject, data: unknown): RuleProblem | undefined {
  if (error.keyword === 'if' || error.schemaPath.includes('/anyOf/')) return undefined;
  const path = pointerToPath(error.instancePath, data);
  const custom = (
    (error.parentSchema as Record<string, unknown> | undefined)?.['x-messages'] as XMessages
  )?.[error.keyword];
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const forms = (error.parentSchema as { 'x-forms'?: { label: string; keys: string[] } })[
        'x-forms'
      ];
      const extra = String(params.additionalProperty);
      if (forms !== undefined && forms.keys.includes(extra)) {
        return {
          path: childPath(path, extra),
          message: `${forms.label} takes exactly one form, and this object has several`,
        };
      }
      const allowed = Object.keys(
        ((error.parentSchema as { properties?: object }).properties ?? {}) as object,
      );
      return {
        path: childPath(path, String(params.additionalProperty)),
        message: `unknown field; allowed here: ${allowed.join(', ')}`,
      };
    }
    case 'required':
      return { path, message: `missing required field "${String(params.missingProperty)}"` };
    case 'type':
      return { path, message: custom ?? `must be ${String(params.type).split(',').join(' or ')}` };
    case 'enum':
      return {
        path,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'minimum':
      return { path, message: `must be >= ${String(params.limit)}` };
    case 'maximum':
      return { path, message: `must be <= ${String(params.limit)}` };
    case 'minLength':
      return { path, message: 'must not be empty' };
    default:
      return { path, message: custom ?? error.message ?? `fails ${error.keyword}` };
  }
}

const POST_ORDER_KEYWORDS = new Set(['required', 'minProperties', 'maxProperties']);

/**
 * Checks a rule against the contract: the JSON Schema (shape, unknown fields, condition forms,
 * duration spelling) and then what a schema cannot say (durations that overflow, `within` longer
 * than the retention, `action` on a non-behaviour ON, segment reference cycles). Every problem is
 * returned, ordered as a reader meets them in the rule; the first is what a rejection reports.
 */
export function validateRule(json: unknown, context: RuleValidationContext = {}): RuleValidation {
  const validate = schemaValidator();
  const sortable: { problem: RuleProblem; post: boolean; keyword: string }[] = [];
  if (!validate(json)) {
    for (const error of validate.errors ?? []) {
      const problem = schemaProblem(error, json);
      if (problem !== undefined) {
        sortable.push({
          problem,
          post: POST_ORDER_KEYWORDS.has(error.keyword),
          keyword: error.keyword,
        });
      }
    }
  }
  for (const problem of semanticProblems(json, context)) {
    sortable.push({ problem, post: false, keyword: 'semantic' });
  }
  if (sortable.length === 0) return { ok: true, rule: structuredClone(json) as Rule };

  const order = documentOrder(json);
  const key = ({ problem, post }: { problem: RuleProblem; post: boolean }): number => {
    const place = order.get(problem.path);
    if (place === undefined) return Number.MAX_SAFE_INTEGER;
    return post ? place.end : place.start;
  };
  // "exactly one operator" at an object that also has an unknown field only repeats that problem.
  const kept = sortable.filter(
    ({ problem, keyword }) =>
      (keyword !== 'minProperties' && keyword !== 'maxProperties') ||
      !sortable.some(
        (other) =>
          other.keyword === 'additionalProperties' && isChildPath(other.problem.path, problem.path),
      ),
  );
  kept.sort((a, b) => key(a) - key(b));
  const errors: RuleProblem[] = [];
  const seen = new Set<string>();
  for (const { problem } of kept) {
    const id = `${problem.path}\u0000${problem.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      errors.push(problem);
    }
  }
  return { ok: false, errors };
}

/** Like `validateRule`, but throws a `RuleRejectedError` (code TS_RULE_INVALID, details.path). */
export function assertValidRule(json: unknown, context: RuleValidationContext = {}): Rule {
  const result = validateRule(json, context);
  if (result.ok) return result.rule;
  const id = isObject(json) && typeof json.id === 'string' ? json.id : undefined;
  throw new RuleRejectedError(id, result.errors);
}

/** Whether `path` names a direct field or element of `parent`. */
function isChildPath(path: string, parent: string): boolean {
  if (!path.startsWith(parent) || path.length === parent.length) return false;
  const rest = path.slice(parent.length);
  return /^(\.[A-Za-z_$][\w$]*|\[\d+\]|\['(?:[^'\\]|\\.)*'\])$/.test(rest);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const DURATION_RE = new RegExp(DURATION_PATTERN);

function semanticProblems(json: unknown, context: RuleValidationContext): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (!isObject(json)) return problems;
  const retentionMs = context.retentionMs ?? DEFAULT_RETENTION_MS;

  const checkDuration = (value: unknown, path: string, limitedByRetention: boolean): void => {
    if (typeof value !== 'string' || !DURATION_RE.test(value)) return; // the schema reports it
    const ms = tryParseDuration(value);
    if (ms === undefined)
      problems.push({ path, message: 'duration is too long to represent exactly' });
    else if (limitedByRetention && ms > retentionMs) {
      problems.push({
        path,
        message: `within ${value} exceeds the behaviour retention of ${retentionMs} ms; use a shorter window or raise the retention`,
      });
    }
  };

  const segmentRefs: { id: string; path: string }[] = [];
  const walk = (cond: unknown, path: string, collectRefs: boolean): void => {
    if (!isObject(cond)) return;
    for (const key of ['all', 'any'] as const) {
      const items = cond[key];
      if (Array.isArray(items))
        items.forEach((item, i) => walk(item, childPath(childPath(path, key), i), collectRefs));
    }
    if ('not' in cond) walk(cond.not, childPath(path, 'not'), collectRefs);
    const policy = cond.policy;
    if (isObject(policy)) {
      checkDuration(
        policy.expiresWithin,
        childPath(childPath(path, 'policy'), 'expiresWithin'),
        false,
      );
      checkDuration(
        policy.expiredWithin,
        childPath(childPath(path, 'policy'), 'expiredWithin'),
        false,
      );
    }
    if (isObject(cond.claim))
      checkDuration(cond.claim.within, childPath(childPath(path, 'claim'), 'within'), true);
    if (typeof cond.event === 'string') checkDuration(cond.within, childPath(path, 'within'), true);
    if (collectRefs && typeof cond.segment === 'string') {
      segmentRefs.push({ id: cond.segment, path: childPath(path, 'segment') });
    }
  };

  if (json.kind === 'segment') walk(json.when, '$.when', true);
  if (json.kind === 'trigger') {
    walk(json.if, '$.if', false);
    checkDuration(json.delay, '$.delay', false);
    if (isObject(json.cap)) checkDuration(json.cap.per, '$.cap.per', false);
    const on = json.on;
    if (
      isObject(on) &&
      'action' in on &&
      typeof on.event === 'string' &&
      on.event !== 'behaviour'
    ) {
      problems.push({
        path: '$.on.action',
        message: 'action is only allowed with {"event": "behaviour"}',
      });
    }
  }
  if (json.kind === 'segment' && typeof json.id === 'string') {
    problems.push(...cycleProblems(json.id, segmentRefs, context.existingRules));
  }
  return problems;
}

function cycleProblems(
  id: string,
  refs: readonly { id: string; path: string }[],
  existing: RuleValidationContext['existingRules'],
): RuleProblem[] {
  const graph = new Map<string, string[]>();
  const rules: Iterable<Rule> =
    existing === undefined
      ? []
      : existing instanceof Map
        ? existing.values()
        : (existing as Iterable<Rule>);
  for (const rule of rules) {
    if (rule.kind === 'segment' && rule.id !== id)
      graph.set(rule.id, referencedSegments(rule.when));
  }
  graph.set(
    id,
    refs.map((ref) => ref.id),
  );

  const problems: RuleProblem[] = [];
  for (const ref of refs) {
    const chain = pathTo(ref.id, id, graph);
    if (chain !== undefined) {
      problems.push({
        path: ref.path,
        message: `segment reference cycle: ${[id, ...chain].join(' -> ')}; a segment may not depend on itself`,
      });
    }
  }
  return problems;
}

/** The reference chain from `from` to `to` (both included), if there is one. */
function pathTo(
  from: string,
  to: string,
  graph: ReadonlyMap<string, readonly string[]>,
): string[] | undefined {
  const seen = new Set<string>();
  const search = (node: string): string[] | undefined => {
    if (node === to) return [node];
    if (seen.has(node)) return undefined;
    seen.add(node);
    for (const next of graph.get(node) ?? []) {
      const rest = search(next);
      if (rest !== undefined) return [node, ...rest];
    }
    return undefined;
  };
  return search(from);
}

/** Every segment id a condition refers to, in the order written. */
export function referencedSegments(cond: unknown, into: string[] = []): string[] {
  if (!isObject(cond)) return into;
  if (typeof cond.segment === 'string') into.push(cond.segment);
  for (const key of ['all', 'any'] as const) {
    const items = cond[key];
    if (Array.isArray(items)) for (const item of items) referencedSegments(item, into);
  }
  if ('not' in cond) referencedSegments(cond.not, into);
  return into;
}

export interface RuleSetValidation {
  /** The accepted rules, in input order (a later rule with an id replaces the earlier one). */
  rules: Rule[];
  /** The rejected ones, by their index in the input. */
  rejected: { index: number; errors: RuleProblem[] }[];
}

/**
 * Checks an array of rules in force together (the replay's RULES.json): each rule is checked
 * against the ones accepted before it, so of two segments referencing each other the second is
 * the one rejected.
 */
export function validateRules(
  json: unknown,
  context: RuleValidationContext = {},
): RuleSetValidation {
  if (!Array.isArray(json)) {
    return {
      rules: [],
      rejected: [{ index: -1, errors: [{ path: '$', message: 'must be an array of rules' }] }],
    };
  }
  const accepted = new Map<string, Rule>();
  const existing = context.existingRules;
  if (existing !== undefined) {
    for (const rule of existing instanceof Map ? existing.values() : (existing as Iterable<Rule>)) {
      accepted.set(rule.id, rule);
    }
  }
  const inputOrder: Rule[] = [];
  const rejected: RuleSetValidation['rejected'] = [];
  json.forEach((item, index) => {
    const result = validateRule(item, {
      retentionMs: context.retentionMs,
      existingRules: accepted,
    });
    if (result.ok) {
      accepted.set(result.rule.id, result.rule);
      const earlier = inputOrder.findIndex((rule) => rule.id === result.rule.id);
      if (earlier >= 0) inputOrder.splice(earlier, 1);
      inputOrder.push(result.rule);
    } else rejected.push({ index, errors: result.errors });
  });
  return { rules: inputOrder, rejected };
}
