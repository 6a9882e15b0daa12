/**
 * The rule engine as a stream processor: one CustomerState per customer in a store, one stream-time
 * timer per customer at the next instant any of its conditions can flip (or a delayed firing is
 * due), rules from a global table, broadcasts through a secondary index. It calls the pure phases
 * of src/rules in the contract's order (section 2):
 *
 *  - a timer at W < now: catch the customer up to W and fire at W;
 *  - a timer at W = now: catch up, emit W's transitions, and hold W's occurrences, because an
 *    instant's triggers fire after that instant's record (fired in `process` for this customer,
 *    or in `onInputProcessed` once the record has been handled wherever it went);
 *  - a customer event: apply at max(ts, now), fire the held occurrences with the record's own;
 *  - a rule change: switch rule sets now, backfill the task's customers in a background job;
 *  - a broadcast: a background job visits the customers the index says can match.
 */
import type { KeyValueStore } from '../../state/index.js';
import { createCustomerState } from '../customer-state.js';
import type { CustomerState } from '../customer-state.js';
import { RuleEventError } from './errors.js';
import { validateEvent } from '../event-validator.js';
import { fire, onBroadcast } from '../fire.js';
import { catchUp } from '../catch-up.js';
import { applyRecord, transitionOccurrences } from '../phases.js';
import { compileRules, withRule, withoutRule } from '../rule-set.js';
import type { RuleSet } from '../rule-set.js';
import { DEFAULT_RETENTION_MS, validateRule } from '../rule-validator.js';
import type {
  BroadcastEvent,
  CustomerEvent,
  Occurrence,
  Rule,
  Touch,
  Transition,
} from '../types.js';
import { nextWake } from '../wake.js';
import { BroadcastIndex } from './broadcast-index.js';
import {
  DEFAULT_CONTACT_ATTRIBUTES,
  type ContactAttributes,
  type RuleEngineOptions,
  type RuleRejection,
} from './rule-engine-options.js';
import { touchCommand } from './touch-command.js';
import { WAKE, WakePlans, firstDue, pendingKept } from './wake-plans.js';
import { DEFAULT_INSIGHT_ATTRIBUTES } from '../insight/customer-dimensions.js';
import { SegmentInsightTracker, type DimensionSnapshot } from './segment-insight-tracker.js';
import { BackfillJob, BroadcastJob } from './customer-sweeps.js';
import type { EngineRecord, EngineTimer, RuleProcessorContext } from './processor-port.js';

/**
 * What a customer's time flips at instant `at` left to fire after that instant's record: delayed
 * firings come due, and the flips themselves, whose enter/exit triggers are looked up at firing
 * time because the record may be a rule change adding or removing them.
 */
interface HeldInstant {
  at: number;
  due: Occurrence[];
  flips: Transition[];
}
const APPLIED_RULES = 'applied-rules';
const RULES_CHANGED_AT = 'rules-changed-at';

/** What a task's states were computed with, so a start can tell what changed while it was away. */
interface AppliedRules {
  rules: Rule[];
}

/** The instant of the last rule change that was backfilled (see `rulesChangedAt`). */
interface RulesChangedAt {
  at: number;
}

type MetaValue = AppliedRules | RulesChangedAt;

export class RuleEngineProcessor {
  private context!: RuleProcessorContext;
  private customers!: KeyValueStore<CustomerState>;
  private index!: BroadcastIndex;
  private ruleSet: RuleSet;
  private readonly retentionMs: number;
  /** Occurrences of the current instant waiting for its record to be applied, per customer. */
  private readonly held = new Map<string, HeldInstant>();
  private meta!: KeyValueStore<MetaValue>;
  /** Rules that changed while this task's state was not live: backfilled at the first instant it sees. */
  private catchUpAfterStart: { before: RuleSet; changed: string[] } | undefined;
  private runningBackfills = 0;
  /**
   * The instant of the last rule change whose backfill left some customers unsaved (nothing
   * changed for them): their evaluation effectively happened then, so catching up starts there.
   */
  private rulesChangedAt = -Infinity;
  private wakes!: WakePlans;
  private insight: SegmentInsightTracker | undefined;
  private readonly contact: Readonly<ContactAttributes>;

  constructor(private readonly options: RuleEngineOptions) {
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.ruleSet = compileRules([], { retentionMs: this.retentionMs });
    this.contact = { ...DEFAULT_CONTACT_ATTRIBUTES, ...options.contactAttributes };
  }

  get rules(): RuleSet {
    return this.ruleSet;
  }

  async init(context: RuleProcessorContext): Promise<void> {
    this.context = context;
    this.customers = context.getStore<CustomerState>(this.options.stores.customers);
    this.wakes = new WakePlans(context.timers, this.options.wakeClock ?? 'stream');
    const rules: Rule[] = [];
    for await (const entry of context.getGlobalStore<unknown>(this.options.rulesTable).range()) {
      const checked = validateRule(entry.value, { retentionMs: this.retentionMs });
      if (checked.ok) rules.push(checked.rule);
    }
    this.ruleSet = compileRules(rules, { retentionMs: this.retentionMs });
    this.index = new BroadcastIndex(
      context.getStore<Uint8Array>(this.options.stores.broadcastIndex),
      this.indexedAttributes(),
    );
    this.meta = context.getStore<MetaValue>(this.options.stores.meta);
    const statsStore = this.options.stores.segmentStats;
    if (statsStore !== undefined) {
      this.insight = new SegmentInsightTracker(
        context.getStore(statsStore),
        { ...DEFAULT_INSIGHT_ATTRIBUTES, ...this.options.insightAttributes },
        (this.options.insightUtcOffsetMinutes ?? 480) * 60_000,
      );
    }
    const changedAt = this.meta.get(RULES_CHANGED_AT) as RulesChangedAt | undefined;
    if (typeof changedAt?.at === 'number') this.rulesChangedAt = changedAt.at;
    await this.noteRulesChangedWhileAway();
  }

  process(record: EngineRecord<unknown, unknown>): void {
    const checked = validateEvent(record.value);
    if (!checked.ok) throw new RuleEventError(checked.reason);
    const event = checked.event;
    const at = Math.max(event.ts, this.context.streamTime());
    this.startPendingBackfill(at);
    switch (event.type) {
      case 'clock':
        return;
      case 'broadcast':
        this.startBroadcast(event, at);
        return;
      case 'rule.upsert':
      case 'rule.delete':
        throw new RuleEventError(
          `${event.type} belongs on the rules topic, not with customer events`,
        );
      default:
        this.applyCustomerEvent(event, at);
    }
  }

  /**
   * Reads the states of the customers the next records are keyed by (customer events are keyed
   * by customer id) while the records before them are processed.
   */
  readAhead(keys: readonly unknown[]): Promise<void> {
    const prefetch = this.customers.prefetch;
    if (prefetch === undefined) return Promise.resolve();
    const ids: string[] = [];
    for (const key of keys) if (typeof key === 'string' && key.length > 0) ids.push(key);
    return prefetch.call(this.customers, ids);
  }

  onTimer(timer: EngineTimer): void {
    if (timer.name !== WAKE) return;
    this.startPendingBackfill(timer.time);
    const state = this.customers.get(timer.key);
    if (state === undefined) return;
    this.wakes.fired(state, timer.time);
    const result = catchUp(state, this.catchUpFrom(state), timer.time, this.ruleSet);
    // A wall-clock wake has no record of its instant to wait for: its triggers fire now.
    const fireNow = timer.clock === 'wall' || timer.time < this.context.streamTime();
    this.emitTransitions(state, result.transitions);
    this.emitTouches(state, result.touches);
    if (
      result.held.length > 0 ||
      result.transitions.some((transition) => transition.at === timer.time)
    ) {
      if (fireNow) {
        this.emitTouches(state, fire(state, result.held, timer.time, this.ruleSet));
      } else {
        this.hold(state.customerId, timer.time, result.held, result.transitions);
      }
    }
    this.save(state, timer.time);
  }

  onGlobalUpdate(table: string, record: EngineRecord<string, unknown>): void {
    if (table !== this.options.rulesTable) return;
    const at = Math.max(this.context.streamTime(), record.timestamp);
    this.startPendingBackfill(at);
    const id = record.key;
    const before = this.ruleSet;
    let after: RuleSet;
    if (record.value === undefined || record.value === null) {
      after = withoutRule(before, id);
    } else {
      const checked = validateRule(record.value, {
        retentionMs: this.retentionMs,
        existingRules: before.rules,
      });
      if (!checked.ok) {
        this.reject(id, at, checked.errors);
        return;
      }
      if (checked.rule.id !== id) {
        this.reject(id, at, [
          { path: '$.id', message: `must equal the record key ${JSON.stringify(id)}` },
        ]);
        return;
      }
      if (JSON.stringify(before.rules.get(id)) === JSON.stringify(checked.rule)) return;
      after = withRule(before, checked.rule);
    }
    if (after === before) return;
    this.ruleSet = after;
    // Wakes planned under the old rules stay right unless a time condition came or went (new ones
    // may come sooner); a deleted trigger's dropped firings only leave a wake that fires early.
    const timeLeaves = (rules: RuleSet) => rules.segmentsById.get(id)?.timeLeaves.length ?? 0;
    if (timeLeaves(before) > 0 || timeLeaves(after) > 0) this.wakes.forgetAll();
    const touchesSegments = before.segmentsById.has(id) || after.segmentsById.has(id);
    // A deleted trigger's pending firings and cap history go with it: a later rule with its id starts clean.
    const triggerDeleted = before.triggers.has(id) && !after.triggers.has(id);
    const newAttributes = this.indexedAttributes();
    const reindex = [...newAttributes].some((attr) => !this.index.attributes.has(attr));
    this.index.setAttributes(newAttributes);
    if (touchesSegments || triggerDeleted || reindex) {
      this.runBackfill(before, touchesSegments || triggerDeleted ? [id] : [], at, reindex);
    } else if (this.runningBackfills === 0) {
      this.recordAppliedRules();
    }
  }

  onInputProcessed(): void {
    this.startPendingBackfill(this.context.streamTime());
    if (this.held.size === 0) return;
    for (const [customerId, held] of this.held) {
      const state = this.customers.get(customerId);
      if (state === undefined) continue;
      this.emitTouches(state, fire(state, this.heldOccurrences(held), held.at, this.ruleSet));
      this.save(state, held.at);
    }
    this.held.clear();
  }

  // --- used by the sweeps ---------------------------------------------------------------------

  /**
   * @internal a backfill visit: the rule change, then this instant's triggers. `pendingCount` and
   * `pendingDue` describe the pending firings before the change: a time-free change that leaves
   * them deciding the wake as before writes the state back without planning the wake again.
   */
  visitForRuleChange(
    state: CustomerState,
    transitions: Transition[],
    occurrences: Occurrence[],
    at: number,
    reindex: boolean,
    unchanged: boolean,
    timeFree: boolean,
    pendingCount: number,
    pendingDue: number,
  ): void {
    if (
      unchanged &&
      !reindex &&
      transitions.length === 0 &&
      occurrences.length === 0 &&
      !this.held.has(state.customerId)
    ) {
      return;
    }
    this.emitTransitions(state, transitions);
    this.fireWithHeld(state, occurrences, at);
    if (reindex) this.index.update(state.customerId, undefined, state.attrsView);
    if (timeFree && pendingKept(state, pendingCount, pendingDue))
      this.customers.put(state.customerId, state);
    else this.save(state, at);
  }

  /** @internal a broadcast visit. */
  visitForBroadcast(state: CustomerState, event: BroadcastEvent, at: number): void {
    const occurrences = onBroadcast(state, event, at, this.ruleSet);
    if (occurrences.length === 0 && !this.held.has(state.customerId)) return;
    const pendingCount = state.pendingView.length;
    const pendingDue = firstDue(state);
    this.fireWithHeld(state, occurrences, at);
    // Firing only adds to the cap history, which no time condition reads: unless a delayed firing
    // was queued, the customer's wake stays where it is and only the state is written back.
    if (pendingKept(state, pendingCount, pendingDue)) this.customers.put(state.customerId, state);
    else this.save(state, at);
  }

  /** @internal */
  progress(visited: number, done: boolean): void {
    if (done) {
      this.runningBackfills -= 1;
      // Only once every customer has been brought up to date may a restart skip the backfill.
      if (this.runningBackfills === 0 && this.catchUpAfterStart === undefined)
        this.recordAppliedRules();
    }
    this.options.onBackfillProgress?.({ taskId: this.context.taskId, visited, done });
  }

  // --- internals ------------------------------------------------------------------------------

  /**
   * Rules may have changed while no instance ran this task (a restart of the whole group, a rule
   * published during a rebalance): the customer states then reflect older rules. Compare with
   * what the states were last brought up to date with, and backfill the difference.
   */
  private async noteRulesChangedWhileAway(): Promise<void> {
    let hasCustomers = false;
    for await (const entry of this.customers.range({ limit: 1 }))
      hasCustomers = entry !== undefined;
    if (!hasCustomers) {
      this.recordAppliedRules();
      return;
    }
    const applied = this.meta.get(APPLIED_RULES) as AppliedRules | undefined;
    const before = compileRules(applied?.rules ?? [], { retentionMs: this.retentionMs });
    const changed = new Set<string>();
    for (const id of new Set([...before.rules.keys(), ...this.ruleSet.rules.keys()])) {
      if (JSON.stringify(before.rules.get(id)) !== JSON.stringify(this.ruleSet.rules.get(id)))
        changed.add(id);
    }
    if (changed.size > 0) this.catchUpAfterStart = { before, changed: [...changed] };
  }

  /** Queues the start-up backfill at the first instant the task sees. */
  private startPendingBackfill(at: number): void {
    const pending = this.catchUpAfterStart;
    if (pending === undefined || !Number.isFinite(at)) return;
    this.catchUpAfterStart = undefined;
    this.runBackfill(pending.before, pending.changed, at, true);
  }

  private runBackfill(before: RuleSet, changed: string[], at: number, reindex: boolean): void {
    for (const id of changed) {
      if (before.segmentsById.has(id) && !this.ruleSet.segmentsById.has(id)) this.insight?.drop(id);
    }
    this.runningBackfills += 1;
    if (at > this.rulesChangedAt) {
      this.rulesChangedAt = at;
      this.meta.put(RULES_CHANGED_AT, { at });
    }
    this.context.runInBackground(
      new BackfillJob(this, this.customers, before, changed, at, reindex, this.options.sweepChunk),
    );
  }

  private recordAppliedRules(): void {
    this.meta.put(APPLIED_RULES, { rules: [...this.ruleSet.rules.values()] });
  }

  private applyCustomerEvent(event: CustomerEvent, eventAt: number): void {
    const state = this.customers.get(event.customerId) ?? createCustomerState(event.customerId);
    // A wall-clock wake may have evaluated the customer past stream time; time never runs backwards for it.
    const at = Math.max(eventAt, state.evaluatedAt);
    const known = state.evaluatedAt !== -Infinity;
    // Normally a no-op: the customer's timer already brought it to its last wake before `at`.
    // When the wake planned at the last save lies beyond `at`, catching up is known to do nothing.
    if (!this.wakes.nothingDueBy(state.customerId, at)) {
      const caught = catchUp(state, this.catchUpFrom(state), at, this.ruleSet);
      this.emitTransitions(state, caught.transitions);
      this.emitTouches(state, caught.touches);
      if (caught.held.length > 0 || caught.transitions.some((transition) => transition.at === at))
        this.hold(state.customerId, at, caught.held, caught.transitions);
    }
    const before = known ? this.index.snapshot(state.attrsView) : undefined;
    const insightBefore = this.insight?.before(state, event);
    const out = applyRecord(state, event, at, this.ruleSet);
    this.emitTransitions(state, out.transitions, insightBefore);
    this.fireWithHeld(state, out.occurrences, at);
    if (event.type === 'customer.profile' || !known)
      this.index.update(state.customerId, before, state.attrsView);
    this.save(state, at);
  }

  private startBroadcast(event: BroadcastEvent, at: number): void {
    const triggers = this.ruleSet.triggersByBroadcast.get(event.topic);
    if (triggers === undefined || triggers.length === 0) return;
    this.context.runInBackground(
      new BroadcastJob(
        this,
        this.customers,
        this.indexStore(),
        triggers,
        event,
        at,
        this.options.sweepChunk,
      ),
    );
  }

  private fireWithHeld(state: CustomerState, occurrences: Occurrence[], at: number): void {
    const held = this.held.get(state.customerId);
    let all = occurrences;
    if (held !== undefined && held.at === at) {
      all = this.heldOccurrences(held).concat(occurrences);
      this.held.delete(state.customerId);
    }
    if (all.length > 0) this.emitTouches(state, fire(state, all, at, this.ruleSet));
  }

  /**
   * Keeps an instant's delayed firings and flips for after its record. `occurrences` come from
   * `catchUp` (due firings first, then the flips' enter/exit triggers as they were); only the due
   * firings are kept as they are, the flips' triggers are looked up again when they fire.
   */
  private hold(
    customerId: string,
    at: number,
    occurrences: Occurrence[],
    transitions: readonly Transition[],
  ): void {
    const due = occurrences.filter((occurrence) => occurrence.due !== undefined);
    const flips = transitions.filter((transition) => transition.at === at);
    const existing = this.held.get(customerId);
    if (existing !== undefined && existing.at === at) {
      existing.due.push(...due);
      existing.flips.push(...flips);
    } else {
      this.held.set(customerId, { at, due, flips });
    }
  }

  /** Due firings first, then the enter/exit triggers of the flips under the rules in force now. */
  private heldOccurrences(held: HeldInstant): Occurrence[] {
    return held.due.concat(transitionOccurrences(held.flips, this.ruleSet));
  }

  /** Writes the state back and moves the customer's single timer to its next wake. */
  private save(state: CustomerState, now: number): void {
    this.wakes.plan(state, nextWake(state, now, this.ruleSet), now > state.evaluatedAt);
    this.customers.put(state.customerId, state);
  }

  /** Where catching a customer up starts: after its own last evaluation and the last rule change. */
  private catchUpFrom(state: CustomerState): number {
    return Math.max(state.evaluatedAt, this.rulesChangedAt);
  }

  private emitTransitions(
    state: CustomerState,
    transitions: readonly Transition[],
    insightBefore?: DimensionSnapshot,
  ): void {
    if (insightBefore !== undefined) this.insight?.afterRecord(state, insightBefore, transitions);
    if (transitions.length === 0) return;
    if (insightBefore === undefined) this.insight?.transitions(state, transitions);
    this.options.onTransitions?.(transitions);
    for (const transition of transitions) {
      this.context.forward(
        { key: transition.customerId, value: transition, timestamp: transition.at },
        this.options.outputs.transitions,
      );
    }
  }

  private emitTouches(state: CustomerState, touches: readonly Touch[]): void {
    if (touches.length === 0) return;
    this.options.onTouches?.(touches);
    for (const touch of touches) {
      const command = touchCommand(touch, state, this.contact);
      this.context.forward(
        { key: touch.customerId, value: command, timestamp: touch.at },
        this.options.outputs.touches,
      );
    }
  }

  private reject(ruleId: string, at: number, errors: { path: string; message: string }[]): void {
    const first = errors[0] ?? { path: '$', message: 'rejected' };
    const rejection: RuleRejection = {
      at,
      ruleId,
      path: first.path,
      message: first.message,
      errors,
    };
    this.options.onRuleRejected?.(rejection);
    // Every task sees every rule; one of them reports it.
    if (this.context.partition === 0) {
      this.context.forward(
        { key: ruleId, value: rejection, timestamp: Number.isFinite(at) ? at : 0 },
        this.options.outputs.rejections,
      );
    }
  }

  private indexStore(): KeyValueStore<Uint8Array> {
    return this.context.getStore<Uint8Array>(this.options.stores.broadcastIndex);
  }

  private indexedAttributes(): Set<string> {
    const attributes = new Set(this.options.indexedAttributes ?? ['city', 'province']);
    for (const triggers of this.ruleSet.triggersByBroadcast.values()) {
      for (const trigger of triggers) {
        const match = (trigger.on as { match?: { attr: string } }).match;
        if (match !== undefined) attributes.add(match.attr);
      }
    }
    return attributes;
  }
}
