/**
 * Background jobs that visit many customers of a task in chunks, so that a rule change or a
 * broadcast never stalls event processing for long: the task runs one chunk per step between
 * records (the in-process driver runs them to the end before the next record).
 */
import { keysOfRange } from '../../state/index.js';
import type { KeyChunk, KeyValueStore } from '../../state/index.js';
import type { CustomerState } from '../customer-state.js';
import type { CompiledTrigger, RuleSet } from '../rule-set.js';
import { onRulesChanged } from '../phases.js';
import type { BroadcastEvent } from '../types.js';
import { customerOfIndexKey, indexPrefix } from './broadcast-index.js';
import type { EngineJob } from './processor-port.js';
import { firstDue } from './wake-plans.js';
import type { RuleEngineProcessor } from './rule-engine-processor.js';

const DEFAULT_CHUNK = 1000;

/**
 * Re-evaluates every customer of the task after a rule change at `at` (the contract's backfill).
 * Each visit compares against the rules in force when it happens, not when the job was queued:
 * more rules may have changed meanwhile (a batch of rule records), and their triggers must see
 * this job's transitions.
 */
export class BackfillJob implements EngineJob {
  readonly name = 'rule-backfill';
  /** The read of the chunk the next step visits, started while this step visits its own. */
  private reading: Promise<KeyChunk> | undefined;
  private visited = 0;

  constructor(
    private readonly processor: RuleEngineProcessor,
    private readonly customers: KeyValueStore<CustomerState>,
    private readonly before: RuleSet,
    private readonly changedIds: readonly string[],
    private readonly at: number,
    private readonly reindex: boolean,
    private readonly chunk = DEFAULT_CHUNK,
  ) {}

  async step(): Promise<boolean> {
    const chunk = await (this.reading ?? this.readChunk(undefined));
    // LevelDB reads the next chunk on its own threads while this thread visits this one. Records
    // may run before the next step: its visits `get` each customer, so they see those writes.
    this.reading = chunk.after === undefined ? undefined : this.readChunk(chunk.after);
    // A change to segments without time windows cannot move anyone's next wake: customers it
    // leaves as they were need no write at all (most of them, for a narrow segment).
    const timeFree = this.changedIds.every(
      (id) => (this.processor.rules.segmentsById.get(id)?.timeLeaves.length ?? 0) === 0,
    );
    for (const key of chunk.keys) {
      const state = this.customers.get(key);
      if (state === undefined) continue;
      this.visit(state, timeFree);
      this.visited += 1;
    }
    const done = chunk.after === undefined;
    this.processor.progress(this.visited, done);
    return done;
  }

  private readChunk(after: string | undefined): Promise<KeyChunk> {
    const range = after === undefined ? { limit: this.chunk } : { gt: after, limit: this.chunk };
    const reading = this.customers.prefetchRange?.(range) ?? keysOfRange(this.customers, range);
    // A job dropped before its next step (the task closing) leaves this read unawaited.
    reading.catch(() => undefined);
    return reading;
  }

  private visit(state: CustomerState, timeFree: boolean): void {
    const segmentsBefore = state.segmentsView.size;
    const pendingBefore = state.pendingView.length;
    const pendingDue = firstDue(state);
    const firingsBefore = state.firingsView.size;
    const out = onRulesChanged(state, this.before, this.processor.rules, this.changedIds, this.at);
    const unchanged =
      timeFree &&
      state.segmentsView.size === segmentsBefore &&
      state.pendingView.length === pendingBefore &&
      state.firingsView.size === firingsBefore;
    this.processor.visitForRuleChange(
      state,
      out.transitions,
      out.occurrences,
      this.at,
      this.reindex,
      unchanged,
      timeFree,
      pendingBefore,
      pendingDue,
    );
  }
}

/**
 * Delivers a broadcast to the customers it can match: through the attribute index when every
 * trigger of the topic matches on an attribute, otherwise to every customer of the task.
 */
export class BroadcastJob implements EngineJob {
  readonly name = 'broadcast';
  private candidates: string[] | undefined;
  private position = 0;
  /** The read of the chunk this step visits, started while the step before visited its own. */
  private reading: Promise<void> | undefined;
  private scanCursor: string | undefined;
  private readonly fullScan: boolean;

  constructor(
    private readonly processor: RuleEngineProcessor,
    private readonly customers: KeyValueStore<CustomerState>,
    private readonly index: KeyValueStore<Uint8Array>,
    private readonly triggers: readonly CompiledTrigger[],
    private readonly event: BroadcastEvent,
    private readonly at: number,
    private readonly chunk = DEFAULT_CHUNK,
  ) {
    this.fullScan = triggers.some(
      (trigger) => (trigger.on as { match?: unknown }).match === undefined,
    );
  }

  async step(): Promise<boolean> {
    if (this.fullScan) return this.scanStep();
    if (this.candidates === undefined) this.candidates = await this.lookUp();
    const candidates = this.candidates;
    const end = Math.min(this.position + this.chunk, candidates.length);
    await (this.reading ?? this.readAhead(this.position, end));
    // LevelDB reads the next chunk on its own threads while this thread visits this one.
    this.reading =
      end < candidates.length
        ? this.readAhead(end, Math.min(end + this.chunk, candidates.length))
        : undefined;
    for (; this.position < end; this.position += 1) this.visit(candidates[this.position]);
    return this.position >= candidates.length;
  }

  private readAhead(from: number, to: number): Promise<void> {
    const keys = (this.candidates as string[]).slice(from, to);
    return this.customers.prefetch?.(keys) ?? Promise.resolve();
  }

  private async lookUp(): Promise<string[]> {
    const found = new Set<string>();
    for (const trigger of this.triggers) {
      const match = (trigger.on as { match: { attr: string; prop: string } }).match;
      const value = Object.hasOwn(this.event.props, match.prop)
        ? this.event.props[match.prop]
        : undefined;
      const prefix = indexPrefix(match.attr, value);
      if (prefix === undefined) continue;
      for await (const entry of this.index.prefix(prefix)) found.add(customerOfIndexKey(entry.key));
    }
    // Key order, as a full scan would visit them, so output order does not depend on the path taken.
    return [...found].sort();
  }

  private async scanStep(): Promise<boolean> {
    const keys: string[] = [];
    const range =
      this.scanCursor === undefined
        ? { limit: this.chunk }
        : { gt: this.scanCursor, limit: this.chunk };
    for await (const entry of this.customers.range(range)) keys.push(entry.key);
    for (const key of keys) this.visit(key);
    if (keys.length > 0) this.scanCursor = keys[keys.length - 1];
    return keys.length < this.chunk;
  }

  private visit(customerId: string): void {
    const state = this.customers.get(customerId);
    if (state !== undefined) this.processor.visitForBroadcast(state, this.event, this.at);
  }
}
