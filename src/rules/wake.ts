import type { CustomerState } from './customer-state.js';
import type { RuleSet } from './rule-set.js';

/**
 * The smallest instant after `now` at which some segment's truth may change by time alone, or
 * Infinity. Candidates come from each time-dependent leaf (policy endDate - D, endDate,
 * endDate + D; claim statusTs, statusTs + D; for an event window, the ts + D of the event whose
 * leaving brings the count to a value a count check turns on); an instant where nothing flips is
 * possible, a skipped one is not.
 */
export function nextFlip(state: CustomerState, now: number, ruleSet: RuleSet): number {
  let next = Infinity;
  for (const leaf of ruleSet.timeLeaves) {
    const candidate = leaf(state, now);
    if (candidate < next) next = candidate;
  }
  return next;
}

/** When the processor must call `advanceTo` next: a time flip or a delayed firing coming due. */
export function nextWake(state: CustomerState, now: number, ruleSet: RuleSet): number {
  const flip = nextFlip(state, now, ruleSet);
  const pending = state.pendingView;
  const due = pending.length > 0 ? pending[0].due : Infinity;
  return due < flip ? due : flip;
}
