import {
  applyEvent,
  trimBehaviour,
  type CustomerState,
  type StateChange,
} from './customer-state.js';
import type { CompiledTrigger, RuleSet } from './rule-set.js';
import type { CustomerEvent, Occurrence, PhaseOutput, Transition } from './types.js';

/*
 * The phases the processor calls for one customer, in the contract's order (section 2). When a
 * record with ts = t > now arrives: `advanceTo(w)` for every wake instant w <= t in order, on the
 * state before the record, with `fire` right after for w < t (see `catchUp`); then the record
 * (`applyRecord`, `onBroadcast` or `onRulesChanged`) at max(t, now); then one `fire` at t for the
 * occurrences of w = t and of the record together, because an instant's triggers fire after its
 * record. Every phase is synchronous and mutates only the state it is given.
 */

function mark(scratch: Uint8Array, positions: readonly number[] | undefined): void {
  if (positions !== undefined) for (const p of positions) scratch[p] = 1;
}

function collectTransitionTriggers(
  triggers: readonly CompiledTrigger[] | undefined,
  transition: Transition,
  out: Occurrence[],
): void {
  if (triggers === undefined) return;
  for (const trigger of triggers)
    out.push({ trigger: trigger.id, onAt: transition.at, event: transition });
}

/**
 * The enter/exit occurrences of transitions under `ruleSet`: for an instant whose triggers fire
 * after its record, where that record may have changed the triggers in force.
 */
export function transitionOccurrences(
  transitions: readonly Transition[],
  ruleSet: RuleSet,
): Occurrence[] {
  const out: Occurrence[] = [];
  for (const transition of transitions) {
    const triggers = (
      transition.change === 'enter' ? ruleSet.triggersOnEnter : ruleSet.triggersOnExit
    ).get(transition.segment);
    collectTransitionTriggers(triggers, transition, out);
  }
  return out;
}

/**
 * Evaluates the marked segments in dependency order at `at`, marking the dependents of every
 * segment whose membership changed (they always come later), and clears the marks.
 */
function evaluateMarked(
  state: CustomerState,
  ruleSet: RuleSet,
  at: number,
  out: PhaseOutput,
): void {
  const scratch = ruleSet.scratch;
  const segments = ruleSet.segments;
  for (
    let position = scratch.indexOf(1);
    position !== -1 && position < segments.length;
    position++
  ) {
    if (scratch[position] === 0) continue;
    scratch[position] = 0;
    const segment = segments[position];
    const was = state.segmentsView.has(segment.id);
    const is = segment.test(state, at);
    if (was === is) continue;
    if (is) state.segments.add(segment.id);
    else state.segments.delete(segment.id);
    const transition: Transition = {
      at,
      segment: segment.id,
      customerId: state.customerId,
      change: is ? 'enter' : 'exit',
    };
    out.transitions.push(transition);
    collectTransitionTriggers(
      (is ? ruleSet.triggersOnEnter : ruleSet.triggersOnExit).get(segment.id),
      transition,
      out.occurrences,
    );
    mark(scratch, segment.dependents);
  }
}

function markChanged(ruleSet: RuleSet, change: StateChange): void {
  const { scratch, index } = ruleSet;
  for (const name of change.attrs) mark(scratch, index.attrs.get(name));
  for (const tag of change.tags) mark(scratch, index.tags.get(tag));
  if (change.policies) mark(scratch, index.policies);
  if (change.claims) mark(scratch, index.claims);
  if (change.action !== undefined) mark(scratch, index.actions.get(change.action));
}

/**
 * Time passes to T with no record: the segments with time-dependent conditions (and, through
 * them, the segments referencing them) are evaluated at T, and delayed firings due by T come
 * out as occurrences (before the enter/exit occurrences of T, in the order they were recorded).
 */
export function advanceTo(state: CustomerState, at: number, ruleSet: RuleSet): PhaseOutput {
  const out: PhaseOutput = { transitions: [], occurrences: [] };
  let due = 0;
  const pending = state.pendingView;
  while (due < pending.length && pending[due].due <= at) due++;
  if (due > 0) {
    for (const firing of state.pending.splice(0, due)) {
      out.occurrences.push({
        trigger: firing.trigger,
        onAt: firing.onAt,
        event: firing.event,
        due: firing.due,
      });
    }
  }
  trimBehaviour(state, at, ruleSet.retentionMs);
  mark(ruleSet.scratch, ruleSet.timeSegments);
  evaluateMarked(state, ruleSet, at, out);
  state.evaluatedAt = Math.max(state.evaluatedAt, at);
  return out;
}

/**
 * Applies a customer's record at `at` (= max(record ts, now)) and evaluates the segments the index
 * says read what it changed; a customer's first record evaluates every segment. Occurrences: the
 * triggers on this event type first (by trigger id), then enter/exit triggers in transition order.
 */
export function applyRecord(
  state: CustomerState,
  event: CustomerEvent,
  at: number,
  ruleSet: RuleSet,
): PhaseOutput {
  const out: PhaseOutput = { transitions: [], occurrences: [] };
  const first = state.evaluatedAt === -Infinity;
  const change = applyEvent(state, event);
  if (change.action !== undefined) trimBehaviour(state, at, ruleSet.retentionMs, change.action);
  const byType = ruleSet.triggersByEvent.get(event.type);
  const byAction =
    event.type === 'behaviour'
      ? ruleSet.triggersByEvent.get(`behaviour:${event.action}`)
      : undefined;
  const onEvent =
    byType !== undefined && byAction !== undefined
      ? [...byType, ...byAction].sort((a, b) => (a.id < b.id ? -1 : 1))
      : (byType ?? byAction);
  if (onEvent !== undefined)
    for (const trigger of onEvent) out.occurrences.push({ trigger: trigger.id, onAt: at, event });
  if (first) ruleSet.scratch.fill(1);
  else markChanged(ruleSet, change);
  evaluateMarked(state, ruleSet, at, out);
  state.evaluatedAt = Math.max(state.evaluatedAt, at);
  return out;
}

/**
 * Rules changed at `at` (`changedIds`: upserted or deleted ids). Added or replaced segments are
 * evaluated for this customer (backfill) and differences emitted at `at`, with the segments that
 * depend on them; memberships of deleted segments end silently; pending firings and cap history
 * of deleted triggers are dropped. Pending firings of replaced triggers stay.
 */
export function onRulesChanged(
  state: CustomerState,
  oldSet: RuleSet,
  newSet: RuleSet,
  changedIds: Iterable<string>,
  at: number,
): PhaseOutput {
  const out: PhaseOutput = { transitions: [], occurrences: [] };
  const scratch = newSet.scratch;
  for (const id of changedIds) {
    const before = oldSet.rules.get(id);
    const after = newSet.rules.get(id);
    if (before?.kind === 'segment' && after?.kind !== 'segment') {
      state.segments.delete(id);
      mark(scratch, newSet.index.segments.get(id));
    }
    if (after?.kind === 'segment')
      scratch[(newSet.segmentsById.get(id) as { position: number }).position] = 1;
    if (before?.kind === 'trigger' && after?.kind !== 'trigger') {
      state.pending = state.pending.filter((firing) => firing.trigger !== id);
      state.firings.delete(id);
    }
  }
  // Memberships of segments no rule defines any more also end silently, whoever removed them.
  for (const id of state.segmentsView) if (!newSet.segmentsById.has(id)) state.segments.delete(id);
  evaluateMarked(state, newSet, at, out);
  state.evaluatedAt = Math.max(state.evaluatedAt, at);
  return out;
}
