/**
 * A pure, in-memory driver for the rule core's tests: plays events for many customers through
 * the phases in the contract's order (section 2) and collects the three replay outputs.
 */
import {
  applyRecord,
  catchUp,
  compileRules,
  createCustomerState,
  fire,
  isCustomerEvent,
  onBroadcast,
  onRulesChanged,
  validateEvent,
  validateRule,
  withRule,
  withoutRule,
  type CustomerState,
  type Occurrence,
  type PhaseOutput,
  type Rule,
  type RuleSet,
  type Touch,
  type Transition,
} from '../../../src/rules/index.js';

export interface DeadLetter {
  line: number;
  reason: string;
}

export interface DriverOptions {
  retentionMs?: number;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class Driver {
  ruleSet: RuleSet;
  now = -Infinity;
  readonly customers = new Map<string, CustomerState>();
  readonly transitions: Transition[] = [];
  readonly touches: Touch[] = [];
  readonly deadLetters: DeadLetter[] = [];
  private line = 0;

  constructor(rules: readonly unknown[] = [], options: DriverOptions = {}) {
    const accepted: Rule[] = [];
    for (const json of rules) {
      const result = validateRule(json, {
        retentionMs: options.retentionMs,
        existingRules: accepted,
      });
      if (!result.ok) throw new Error(`initial rule rejected: ${JSON.stringify(result.errors)}`);
      accepted.push(result.rule);
    }
    this.ruleSet = compileRules(accepted, { retentionMs: options.retentionMs });
  }

  /** Plays events (objects, or strings taken as raw input lines). */
  play(events: readonly unknown[]): this {
    for (const input of events) this.playOne(input);
    return this;
  }

  state(customerId: string): CustomerState {
    const state = this.customers.get(customerId);
    if (state === undefined) throw new Error(`no state for ${customerId}`);
    return state;
  }

  sortedTransitions(): Transition[] {
    return [...this.transitions].sort(
      (a, b) =>
        a.at - b.at ||
        cmp(a.segment, b.segment) ||
        cmp(a.customerId, b.customerId) ||
        cmp(a.change, b.change),
    );
  }

  sortedTouches(): Touch[] {
    return [...this.touches].sort(
      (a, b) => a.at - b.at || cmp(a.trigger, b.trigger) || cmp(a.customerId, b.customerId),
    );
  }

  /** Occurrences of the current instant's time flips, fired after the instant's record. */
  private held = new Map<string, Occurrence[]>();

  private emit(state: CustomerState, out: PhaseOutput, at: number): void {
    this.transitions.push(...out.transitions);
    const held = this.held.get(state.customerId) ?? [];
    this.held.delete(state.customerId);
    this.touches.push(...fire(state, [...held, ...out.occurrences], at, this.ruleSet));
  }

  /** Every customer catches up to `to`; occurrences of `to` itself wait for the record. */
  private advance(to: number): void {
    for (const state of this.sortedCustomers()) {
      const result = catchUp(state, this.now, to, this.ruleSet);
      this.transitions.push(...result.transitions);
      this.touches.push(...result.touches);
      if (result.held.length > 0) this.held.set(state.customerId, result.held);
    }
    this.now = to;
  }

  /** Fires what the instant's time flips left for after its record. */
  private fireHeld(): void {
    for (const [customerId, occurrences] of [...this.held].sort((a, b) => cmp(a[0], b[0]))) {
      this.touches.push(...fire(this.state(customerId), occurrences, this.now, this.ruleSet));
    }
    this.held.clear();
  }

  private sortedCustomers(): CustomerState[] {
    return [...this.customers.values()].sort((a, b) => cmp(a.customerId, b.customerId));
  }

  private playOne(input: unknown): void {
    this.playRecord(input);
    this.fireHeld();
  }

  private playRecord(input: unknown): void {
    this.line++;
    let json = input;
    if (typeof input === 'string') {
      try {
        json = JSON.parse(input);
      } catch (error) {
        this.deadLetters.push({
          line: this.line,
          reason: `not valid JSON: ${(error as Error).message}`,
        });
        return;
      }
    }
    const result = validateEvent(json);
    if (!result.ok) {
      this.deadLetters.push({ line: this.line, reason: result.reason });
      return;
    }
    const event = result.event;
    if (event.ts > this.now) this.advance(event.ts);
    const at = this.now;
    if (isCustomerEvent(event)) {
      let state = this.customers.get(event.customerId);
      if (state === undefined) {
        state = createCustomerState(event.customerId);
        this.customers.set(event.customerId, state);
      }
      this.emit(state, applyRecord(state, event, at, this.ruleSet), at);
      return;
    }
    switch (event.type) {
      case 'broadcast':
        for (const state of this.sortedCustomers()) {
          this.touches.push(
            ...fire(state, onBroadcast(state, event, at, this.ruleSet), at, this.ruleSet),
          );
        }
        return;
      case 'rule.upsert': {
        const checked = validateRule(event.rule, {
          retentionMs: this.ruleSet.retentionMs,
          existingRules: this.ruleSet.rules,
        });
        if (!checked.ok) {
          const first = checked.errors[0];
          this.deadLetters.push({
            line: this.line,
            reason: `rule.upsert: rule rejected at ${first.path}: ${first.message}`,
          });
          return;
        }
        this.changeRules(withRule(this.ruleSet, checked.rule), checked.rule.id, at);
        return;
      }
      case 'rule.delete':
        this.changeRules(withoutRule(this.ruleSet, event.ruleId), event.ruleId, at);
        return;
      default:
        return;
    }
  }

  private changeRules(next: RuleSet, id: string, at: number): void {
    const previous = this.ruleSet;
    this.ruleSet = next;
    for (const state of this.sortedCustomers())
      this.emit(state, onRulesChanged(state, previous, next, [id], at), at);
  }
}
