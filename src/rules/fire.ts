import { upperBound, type CustomerState, type PendingFiring } from './customer-state.js';
import { isHeldOut } from './holdout.js';
import type { CompiledTrigger, RuleSet } from './rule-set.js';
import { renderParams } from './template.js';
import type { BroadcastEvent, Occurrence, Touch } from './types.js';

function schedule(state: CustomerState, firing: PendingFiring): void {
  const pending = state.pending;
  // After every firing due at the same instant: equal due times fire in the order recorded.
  let at = pending.length;
  while (at > 0 && pending[at - 1].due > firing.due) at--;
  pending.splice(at, 0, firing);
}

/**
 * Whether `max` firings are already written with `at` in (at - per, at]; if not, records this one.
 * Every trigger's firings are kept for as long as the trigger exists (the contract keeps all state
 * but behaviour until deleted), so a cap added or lengthened by a replace counts every firing
 * written before it. Deleting the trigger drops them.
 */
function capped(state: CustomerState, trigger: CompiledTrigger, at: number): boolean {
  const cap = trigger.cap;
  let times = state.firings.get(trigger.id);
  if (times === undefined) {
    times = [];
    state.firings.set(trigger.id, times);
  }
  if (cap !== undefined) {
    const inWindow = upperBound(times, at) - upperBound(times, at - cap.perMs);
    if (inWindow >= cap.max) return true;
  }
  times.push(at);
  return false;
}

/**
 * Turns occurrences at `at` into touches: an ON occurrence of a trigger with a delay becomes a
 * pending firing due at `at + delay`; everything else (no delay, or a pending firing come due)
 * checks `if` on the current state at `at`, then the cap, then the holdout, with the trigger as it
 * is in `ruleSet` now (occurrences of triggers no longer there are dropped).
 */
export function fire(
  state: CustomerState,
  occurrences: readonly Occurrence[],
  at: number,
  ruleSet: RuleSet,
): Touch[] {
  const touches: Touch[] = [];
  for (const occurrence of occurrences) {
    const trigger = ruleSet.triggers.get(occurrence.trigger);
    if (trigger === undefined) continue;
    if (occurrence.due === undefined && trigger.delayMs > 0) {
      schedule(state, {
        trigger: trigger.id,
        due: at + trigger.delayMs,
        onAt: occurrence.onAt,
        event: occurrence.event,
      });
      continue;
    }
    if (trigger.test !== undefined && !trigger.test(state, at)) continue;
    if (capped(state, trigger, at)) continue;
    touches.push({
      at,
      trigger: trigger.id,
      customerId: state.customerId,
      channel: trigger.touch.channel,
      template: trigger.touch.template,
      params: renderParams(trigger.touch.params, state.attrsView, occurrence.event),
      heldOut: isHeldOut(trigger.id, state.customerId, trigger.holdout),
    });
  }
  return touches;
}

/**
 * The broadcast triggers of the event's topic whose `match` holds for this customer: attribute
 * NAME equal (section 3 `eq`: same JSON type and value) to `props[PROP]`; no `match`: everyone.
 */
export function onBroadcast(
  state: CustomerState,
  event: BroadcastEvent,
  at: number,
  ruleSet: RuleSet,
): Occurrence[] {
  const occurrences: Occurrence[] = [];
  const triggers = ruleSet.triggersByBroadcast.get(event.topic);
  if (triggers === undefined) return occurrences;
  for (const trigger of triggers) {
    const on = trigger.on as { match?: { attr: string; prop: string } };
    if (on.match !== undefined) {
      const value = state.attrsView.get(on.match.attr);
      const props = event.props;
      const wanted = Object.hasOwn(props, on.match.prop) ? props[on.match.prop] : undefined;
      if (value === undefined || value !== wanted) continue;
    }
    occurrences.push({ trigger: trigger.id, onAt: at, event });
  }
  return occurrences;
}
