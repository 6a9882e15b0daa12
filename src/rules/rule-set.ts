import {
  compileCondition,
  type Predicate,
  type Reads,
  type TimeLeaf,
} from './condition-compiler.js';
import { tryParseDuration } from './duration.js';
import { RuleRejectedError } from './errors.js';
import { DEFAULT_RETENTION_MS } from './rule-validator.js';
import type { Rule, SegmentRule, TouchSpec, TriggerOn, TriggerRule } from './types.js';

export interface CompiledSegment {
  readonly id: string;
  readonly rule: SegmentRule;
  /** Place in dependency order: every segment it references has a smaller position. */
  readonly position: number;
  readonly test: Predicate;
  readonly reads: Reads;
  readonly timeLeaves: readonly TimeLeaf[];
  /** Positions of the segments that reference this one. */
  readonly dependents: readonly number[];
}

export interface CompiledTrigger {
  readonly id: string;
  readonly rule: TriggerRule;
  readonly on: TriggerOn;
  readonly test: Predicate | undefined;
  readonly delayMs: number;
  readonly cap: { readonly max: number; readonly perMs: number } | undefined;
  readonly holdout: number;
  readonly touch: TouchSpec;
}

/** From what an event changes to the positions of the segments that read it. */
export interface SegmentIndex {
  readonly attrs: ReadonlyMap<string, readonly number[]>;
  readonly tags: ReadonlyMap<string, readonly number[]>;
  readonly policies: readonly number[];
  readonly claims: readonly number[];
  readonly actions: ReadonlyMap<string, readonly number[]>;
  /** Segment id (existing or not yet) to the positions of the segments referencing it. */
  readonly segments: ReadonlyMap<string, readonly number[]>;
}

/** The rules in force, compiled; immutable once built (a rule change builds a new one). */
export interface RuleSet {
  readonly rules: ReadonlyMap<string, Rule>;
  readonly retentionMs: number;
  readonly segments: readonly CompiledSegment[];
  readonly segmentsById: ReadonlyMap<string, CompiledSegment>;
  readonly triggers: ReadonlyMap<string, CompiledTrigger>;
  /** By event type, and `behaviour:<action>` for behaviour triggers naming an action. */
  readonly triggersByEvent: ReadonlyMap<string, readonly CompiledTrigger[]>;
  readonly triggersOnEnter: ReadonlyMap<string, readonly CompiledTrigger[]>;
  readonly triggersOnExit: ReadonlyMap<string, readonly CompiledTrigger[]>;
  readonly triggersByBroadcast: ReadonlyMap<string, readonly CompiledTrigger[]>;
  readonly index: SegmentIndex;
  /** Positions of segments with a time-dependent leaf of their own. */
  readonly timeSegments: readonly number[];
  readonly timeLeaves: readonly TimeLeaf[];
  /** Scratch for marking segments to evaluate; safe because evaluation is synchronous. */
  readonly scratch: Uint8Array;
}

export interface RuleSetOptions {
  retentionMs?: number;
}

const segmentCache = new WeakMap<
  SegmentRule,
  { test: Predicate; reads: Reads; timeLeaves: TimeLeaf[] }
>();
const triggerCache = new WeakMap<TriggerRule, CompiledTrigger>();

function ms(text: string | undefined): number {
  return text === undefined ? 0 : (tryParseDuration(text) ?? 0);
}

function compileTrigger(rule: TriggerRule): CompiledTrigger {
  let compiled = triggerCache.get(rule);
  if (compiled === undefined) {
    compiled = {
      id: rule.id,
      rule,
      on: rule.on,
      test: rule.if === undefined ? undefined : compileCondition(rule.if).test,
      delayMs: ms(rule.delay),
      cap: rule.cap === undefined ? undefined : { max: rule.cap.max, perMs: ms(rule.cap.per) },
      holdout: rule.holdout ?? 0,
      touch: rule.touch,
    };
    triggerCache.set(rule, compiled);
  }
  return compiled;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * Orders segments so each comes after the segments it references; among segments free to go
 * next, the smallest id first, so the order (and the order of emitted records) is deterministic.
 */
function dependencyOrder(
  segments: readonly SegmentRule[],
  refs: ReadonlyMap<string, Set<string>>,
): SegmentRule[] {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const waitingOn = new Map<string, number>();
  const referencedBy = new Map<string, string[]>();
  for (const s of segments) {
    let count = 0;
    for (const ref of refs.get(s.id) ?? []) {
      if (byId.has(ref) && ref !== s.id) {
        count++;
        push(referencedBy, ref, s.id);
      } else if (ref === s.id) count++;
    }
    waitingOn.set(s.id, count);
  }
  const ready = segments.filter((s) => waitingOn.get(s.id) === 0).map((s) => s.id);
  const ordered: SegmentRule[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    const id = ready.pop() as string;
    ordered.push(byId.get(id) as SegmentRule);
    for (const dependent of referencedBy.get(id) ?? []) {
      const left = (waitingOn.get(dependent) as number) - 1;
      waitingOn.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  if (ordered.length < segments.length) {
    const stuck = segments.filter((s) => !ordered.includes(s)).map((s) => s.id);
    throw new RuleRejectedError(stuck[0], [
      {
        path: '$.when',
        message: `segment reference cycle among ${stuck.join(', ')}; validate rules before compiling`,
      },
    ]);
  }
  return ordered;
}

/** Compiles validated rules (ids unique; a later rule with the same id replaces an earlier one). */
export function compileRules(rules: Iterable<Rule>, options: RuleSetOptions = {}): RuleSet {
  const byId = new Map<string, Rule>();
  for (const rule of rules) byId.set(rule.id, rule);

  const segmentRules: SegmentRule[] = [];
  const compiledConds = new Map<
    string,
    { test: Predicate; reads: Reads; timeLeaves: TimeLeaf[] }
  >();
  const refs = new Map<string, Set<string>>();
  for (const rule of byId.values()) {
    if (rule.kind !== 'segment') continue;
    segmentRules.push(rule);
    let compiled = segmentCache.get(rule);
    if (compiled === undefined) {
      compiled = compileCondition(rule.when);
      segmentCache.set(rule, compiled);
    }
    compiledConds.set(rule.id, compiled);
    refs.set(rule.id, compiled.reads.segments);
  }

  const ordered = dependencyOrder(segmentRules, refs);
  const attrs = new Map<string, number[]>();
  const tags = new Map<string, number[]>();
  const actions = new Map<string, number[]>();
  const segmentRefs = new Map<string, number[]>();
  const policies: number[] = [];
  const claims: number[] = [];
  const timeSegments: number[] = [];
  const timeLeaves: TimeLeaf[] = [];
  const segments: CompiledSegment[] = ordered.map((rule, position) => {
    const {
      test,
      reads,
      timeLeaves: leaves,
    } = compiledConds.get(rule.id) as { test: Predicate; reads: Reads; timeLeaves: TimeLeaf[] };
    for (const a of reads.attrs) push(attrs, a, position);
    for (const t of reads.tags) push(tags, t, position);
    for (const a of reads.actions) push(actions, a, position);
    for (const s of reads.segments) push(segmentRefs, s, position);
    if (reads.policies) policies.push(position);
    if (reads.claims) claims.push(position);
    if (leaves.length > 0) {
      timeSegments.push(position);
      timeLeaves.push(...leaves);
    }
    return { id: rule.id, rule, position, test, reads, timeLeaves: leaves, dependents: [] };
  });
  for (const segment of segments) {
    (segment as { dependents: readonly number[] }).dependents = segmentRefs.get(segment.id) ?? [];
  }

  const triggers = new Map<string, CompiledTrigger>();
  const triggersByEvent = new Map<string, CompiledTrigger[]>();
  const triggersOnEnter = new Map<string, CompiledTrigger[]>();
  const triggersOnExit = new Map<string, CompiledTrigger[]>();
  const triggersByBroadcast = new Map<string, CompiledTrigger[]>();
  const triggerIds = [...byId.values()]
    .filter((r): r is TriggerRule => r.kind === 'trigger')
    .map((r) => r.id)
    .sort();
  for (const id of triggerIds) {
    const trigger = compileTrigger(byId.get(id) as TriggerRule);
    triggers.set(id, trigger);
    const on = trigger.on;
    if ('event' in on)
      push(triggersByEvent, on.action === undefined ? on.event : `behaviour:${on.action}`, trigger);
    else if ('enter' in on) push(triggersOnEnter, on.enter, trigger);
    else if ('exit' in on) push(triggersOnExit, on.exit, trigger);
    else push(triggersByBroadcast, on.broadcast, trigger);
  }

  return Object.freeze({
    rules: byId,
    retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS,
    segments,
    segmentsById: new Map(segments.map((s) => [s.id, s])),
    triggers,
    triggersByEvent,
    triggersOnEnter,
    triggersOnExit,
    triggersByBroadcast,
    index: { attrs, tags, policies, claims, actions, segments: segmentRefs },
    timeSegments,
    timeLeaves,
    scratch: new Uint8Array(segments.length),
  });
}

/** A new rule set with `rule` added or replacing the rule with its id. */
export function withRule(ruleSet: RuleSet, rule: Rule): RuleSet {
  const rules = new Map(ruleSet.rules);
  rules.set(rule.id, rule);
  return compileRules(rules.values(), { retentionMs: ruleSet.retentionMs });
}

/** A new rule set without the rule `id` (the same set if there is none). */
export function withoutRule(ruleSet: RuleSet, id: string): RuleSet {
  if (!ruleSet.rules.has(id)) return ruleSet;
  const rules = new Map(ruleSet.rules);
  rules.delete(id);
  return compileRules(rules.values(), { retentionMs: ruleSet.retentionMs });
}
