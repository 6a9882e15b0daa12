import type { CustomerState } from './customer-state.js';
import { fire } from './fire.js';
import { advanceTo } from './phases.js';
import type { RuleSet } from './rule-set.js';
import type { Occurrence, Touch, Transition } from './types.js';
import { nextWake } from './wake.js';

export interface CatchUp {
  transitions: Transition[];
  touches: Touch[];
  /**
   * Occurrences of the instant `t` itself (time flips and delayed firings due at t). Triggers of
   * an instant fire after that instant's record (contract section 2), so the caller fires these
   * with `fire(state, [...held, ...recordOccurrences], t, ruleSetAfterTheRecord)`.
   */
  held: Occurrence[];
}

/**
 * Stream time moves from `now` to `t` for one customer, before the record at `t` is applied:
 * every wake instant w < t is evaluated and fired at w, in order; the wake at exactly t is
 * evaluated (its transitions are emitted, on the state before the record) and its occurrences are
 * held for after the record. A timer-driven processor does the same with one timer per customer.
 */
export function catchUp(state: CustomerState, now: number, t: number, ruleSet: RuleSet): CatchUp {
  const result: CatchUp = { transitions: [], touches: [], held: [] };
  // Never re-evaluate an instant the state has already been through.
  let cursor = Math.max(now, state.evaluatedAt);
  for (;;) {
    // A firing due before `now` (only if the caller skipped a wake) fires late rather than never.
    const wake = Math.max(nextWake(state, cursor, ruleSet), cursor);
    if (wake > t) break;
    const out = advanceTo(state, wake, ruleSet);
    for (const transition of out.transitions) result.transitions.push(transition);
    if (wake === t) {
      result.held = out.occurrences;
      break;
    }
    for (const touch of fire(state, out.occurrences, wake, ruleSet)) result.touches.push(touch);
    cursor = wake;
  }
  return result;
}
