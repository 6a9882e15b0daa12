import type { KeyValueStore } from '../../state/index.js';
import type { CustomerState } from '../customer-state.js';
import {
  customerDimensions,
  sameDimensions,
  type CustomerDimensions,
  type InsightAttributes,
} from '../insight/customer-dimensions.js';
import { SegmentTally } from '../insight/segment-tally.js';
import type { CustomerEvent, Transition } from '../types.js';

/** What a record that can move a member between dimension values found before it was applied. */
export interface DimensionSnapshot {
  dims: CustomerDimensions;
  segments: string[];
}

/**
 * Keeps each segment's tally (size, distribution, size over time) in step with the transitions the
 * engine emits and with members whose insight attributes change, in a store of the task so that
 * it follows the task through changelog and restore.
 */
export class SegmentInsightTracker {
  private readonly tallies = new Map<string, SegmentTally>();

  constructor(
    private readonly store: KeyValueStore<SegmentTally>,
    private readonly attributes: Readonly<InsightAttributes>,
    private readonly utcOffsetMs: number,
  ) {}

  /** Only profile and policy records change what insight reads; other records need no snapshot. */
  before(state: CustomerState, event: CustomerEvent): DimensionSnapshot | undefined {
    if (event.type !== 'customer.profile' && !event.type.startsWith('policy.')) return undefined;
    if (state.segmentsView.size === 0) return undefined;
    return { dims: customerDimensions(state, this.attributes), segments: [...state.segmentsView] };
  }

  /**
   * After a record: its own transitions, and the members that stayed but moved. An exit is
   * counted with the values the member was counted under, an entry with the values it has now.
   */
  afterRecord(
    state: CustomerState,
    snapshot: DimensionSnapshot | undefined,
    transitions: readonly Transition[],
  ): void {
    if (snapshot === undefined) {
      this.transitions(state, transitions);
      return;
    }
    const after = customerDimensions(state, this.attributes);
    const moved = !sameDimensions(snapshot.dims, after);
    for (const transition of transitions) {
      const tally = this.tally(transition.segment);
      if (transition.change === 'enter') tally.enter(after, transition.at);
      else tally.exit(moved ? snapshot.dims : after, transition.at);
      this.store.put(transition.segment, tally);
    }
    if (!moved) return;
    for (const segment of snapshot.segments) {
      if (!state.segmentsView.has(segment)) continue;
      const tally = this.tally(segment);
      tally.move(snapshot.dims, after);
      this.store.put(segment, tally);
    }
  }

  /** Transitions of a record that changed nothing insight reads (time, tags, claims, a rule change). */
  transitions(state: CustomerState, transitions: readonly Transition[]): void {
    if (transitions.length === 0) return;
    const dims = customerDimensions(state, this.attributes);
    for (const transition of transitions) {
      const tally = this.tally(transition.segment);
      if (transition.change === 'enter') tally.enter(dims, transition.at);
      else tally.exit(dims, transition.at);
      this.store.put(transition.segment, tally);
    }
  }

  /** A deleted segment's members leave silently: its tally goes with it. */
  drop(segment: string): void {
    this.tallies.delete(segment);
    this.store.delete(segment);
  }

  private tally(segment: string): SegmentTally {
    let tally = this.tallies.get(segment);
    if (tally === undefined) {
      tally = this.store.get(segment) ?? new SegmentTally(segment, this.utcOffsetMs);
      this.tallies.set(segment, tally);
    }
    return tally;
  }
}
