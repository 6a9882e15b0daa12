import type { AttrValue, CustomerEvent, JsonValue } from './types.js';

export type PolicyStatus = 'active' | 'cancelled';

export interface PolicyState {
  product: string;
  startDate: number;
  endDate: number;
  premium: number;
  /** The insured object's attributes; a null value in the event means the attribute is absent. */
  attrs: Map<string, JsonValue>;
  status: PolicyStatus;
}

export type ClaimStatus = 'reported' | 'assessed' | 'settled' | 'rejected';

export interface ClaimState {
  status: ClaimStatus;
  statusTs: number;
  amount?: number;
}

/** A trigger firing waiting for its delay; it survives restarts inside the customer's state. */
export interface PendingFiring {
  trigger: string;
  due: number;
  /** When the trigger's ON happened. */
  onAt: number;
  /** What `${event.FIELD}` reads when it fires. */
  event: object;
}

/** The parts of a state that a state read from bytes decodes only when first used. */
export const StateSection = {
  Attrs: 0,
  Tags: 1,
  Policies: 2,
  Claims: 3,
  Behaviour: 4,
  Segments: 5,
  Pending: 6,
  Firings: 7,
} as const;
export type StateSection = (typeof StateSection)[keyof typeof StateSection];
export const STATE_SECTIONS = 8;

/** The encoded sections of a state read from bytes (state-serde.ts). */
export interface SectionSource {
  /** Decodes one section; throws CustomerStateDecodeError on bytes it cannot read. */
  decode(section: StateSection): unknown;
}

/**
 * Everything the engine knows about one customer. Maps and sets rather than plain objects because
 * names come from the outside (`__proto__` is a legal attribute name).
 *
 * A state read from bytes decodes a section on its first use, and an encode copies the bytes of
 * every section not changed since: a backfill or a broadcast that reads a customer's attributes
 * and segments never pays for its behaviour history, and most events change one or two sections.
 * Each section has two accessors: `attrs` (say) for code that may change it, which marks it
 * changed, and `attrsView`, typed read-only, for code that only reads. A section not marked
 * changed is one nothing can have changed.
 */
export class CustomerState {
  /** The last instant a phase ran for this customer; -Infinity before the first one. */
  evaluatedAt = -Infinity;
  /**
   * Where the engine's wake timer for this customer is set (Infinity: none; NaN: not known, as
   * for a state read from the earlier JSON layout). Kept with the state, it spares the timer store
   * a read whenever the wake moves.
   */
  wake = Infinity;
  /** One bit per section handed out for changing (1 << StateSection). */
  private changed = 0;
  private attrsSection: Map<string, AttrValue> | undefined;
  private tagsSection: Set<string> | undefined;
  private policiesSection: Map<string, PolicyState> | undefined;
  private claimsSection: Map<string, ClaimState> | undefined;
  private behaviourSection: Map<string, number[]> | undefined;
  private segmentsSection: Set<string> | undefined;
  private pendingSection: PendingFiring[] | undefined;
  private firingsSection: Map<string, number[]> | undefined;

  /** A state with every section empty, or, given a source, one that decodes them from it. */
  constructor(
    public customerId: string,
    private readonly source: SectionSource | null = null,
  ) {
    if (source !== null) return;
    this.attrsSection = new Map();
    this.tagsSection = new Set();
    this.policiesSection = new Map();
    this.claimsSection = new Map();
    this.behaviourSection = new Map();
    this.segmentsSection = new Set();
    this.pendingSection = [];
    this.firingsSection = new Map();
  }

  get attrs(): Map<string, AttrValue> {
    this.changed |= 1 << StateSection.Attrs;
    return this.attrsView as Map<string, AttrValue>;
  }
  set attrs(value: Map<string, AttrValue>) {
    this.changed |= 1 << StateSection.Attrs;
    this.attrsSection = value;
  }
  /** The attrs, for reading only (see the class comment). */
  get attrsView(): ReadonlyMap<string, AttrValue> {
    return (this.attrsSection ??= this.decode(StateSection.Attrs) as Map<string, AttrValue>);
  }

  get tags(): Set<string> {
    this.changed |= 1 << StateSection.Tags;
    return this.tagsView as Set<string>;
  }
  set tags(value: Set<string>) {
    this.changed |= 1 << StateSection.Tags;
    this.tagsSection = value;
  }
  /** The tags, for reading only (see the class comment). */
  get tagsView(): ReadonlySet<string> {
    return (this.tagsSection ??= this.decode(StateSection.Tags) as Set<string>);
  }

  get policies(): Map<string, PolicyState> {
    this.changed |= 1 << StateSection.Policies;
    return this.policiesView as Map<string, PolicyState>;
  }
  set policies(value: Map<string, PolicyState>) {
    this.changed |= 1 << StateSection.Policies;
    this.policiesSection = value;
  }
  /** The policies, for reading only (see the class comment). */
  get policiesView(): ReadonlyMap<string, Readonly<PolicyState>> {
    return (this.policiesSection ??= this.decode(StateSection.Policies) as Map<
      string,
      PolicyState
    >);
  }

  get claims(): Map<string, ClaimState> {
    this.changed |= 1 << StateSection.Claims;
    return this.claimsView as Map<string, ClaimState>;
  }
  set claims(value: Map<string, ClaimState>) {
    this.changed |= 1 << StateSection.Claims;
    this.claimsSection = value;
  }
  /** The claims, for reading only (see the class comment). */
  get claimsView(): ReadonlyMap<string, Readonly<ClaimState>> {
    return (this.claimsSection ??= this.decode(StateSection.Claims) as Map<string, ClaimState>);
  }

  /** Per action, event times in ascending order, trimmed to the retention. */
  get behaviour(): Map<string, number[]> {
    this.changed |= 1 << StateSection.Behaviour;
    return this.behaviourView as Map<string, number[]>;
  }
  set behaviour(value: Map<string, number[]>) {
    this.changed |= 1 << StateSection.Behaviour;
    this.behaviourSection = value;
  }
  /** The behaviour, for reading only (see the class comment). */
  get behaviourView(): ReadonlyMap<string, readonly number[]> {
    return (this.behaviourSection ??= this.decode(StateSection.Behaviour) as Map<string, number[]>);
  }

  get segments(): Set<string> {
    this.changed |= 1 << StateSection.Segments;
    return this.segmentsView as Set<string>;
  }
  set segments(value: Set<string>) {
    this.changed |= 1 << StateSection.Segments;
    this.segmentsSection = value;
  }
  /** The segments, for reading only (see the class comment). */
  get segmentsView(): ReadonlySet<string> {
    return (this.segmentsSection ??= this.decode(StateSection.Segments) as Set<string>);
  }

  /** Ordered by `due`, then by when they were recorded. */
  get pending(): PendingFiring[] {
    this.changed |= 1 << StateSection.Pending;
    return this.pendingView as PendingFiring[];
  }
  set pending(value: PendingFiring[]) {
    this.changed |= 1 << StateSection.Pending;
    this.pendingSection = value;
  }
  /** The pending, for reading only (see the class comment). */
  get pendingView(): readonly Readonly<PendingFiring>[] {
    return (this.pendingSection ??= this.decode(StateSection.Pending) as PendingFiring[]);
  }

  /** Per trigger, the `at` of every firing written, ascending, kept until the trigger is deleted. */
  get firings(): Map<string, number[]> {
    this.changed |= 1 << StateSection.Firings;
    return this.firingsView as Map<string, number[]>;
  }
  set firings(value: Map<string, number[]>) {
    this.changed |= 1 << StateSection.Firings;
    this.firingsSection = value;
  }
  /** The firings, for reading only (see the class comment). */
  get firingsView(): ReadonlyMap<string, readonly number[]> {
    return (this.firingsSection ??= this.decode(StateSection.Firings) as Map<string, number[]>);
  }

  /** @internal The source holding a section's bytes as they still are, for an encode to copy; else null. */
  unchanged(section: StateSection): SectionSource | null {
    return (this.changed & (1 << section)) === 0 ? this.source : null;
  }

  private decode(section: StateSection): unknown {
    // Only a state made from a source has sections left undefined.
    return (this.source as SectionSource).decode(section);
  }
}

export function createCustomerState(customerId: string): CustomerState {
  return new CustomerState(customerId);
}

/** What an event changed, so only the segments reading it are evaluated again. */
export interface StateChange {
  attrs: string[];
  tags: string[];
  policies: boolean;
  claims: boolean;
  /** The behaviour action appended to, if any. */
  action: string | undefined;
}

function policyAttrs(attrs: Record<string, JsonValue> | undefined): Map<string, JsonValue> {
  const map = new Map<string, JsonValue>();
  if (attrs !== undefined) {
    for (const key of Object.keys(attrs)) if (attrs[key] !== null) map.set(key, attrs[key]);
  }
  return map;
}

/** First index whose value is greater than `value` in an ascending array. */
export function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Applies one validated customer event (contract section 1) to the state in place. Event times
 * are the event's own `ts` even when it is late: a claim's `statusTs` and a behaviour's time are
 * facts about the world, not about when the engine heard of them.
 */
export function applyEvent(state: CustomerState, event: CustomerEvent): StateChange {
  const change: StateChange = {
    attrs: [],
    tags: [],
    policies: false,
    claims: false,
    action: undefined,
  };
  switch (event.type) {
    case 'customer.profile':
      // Read through the view first: a profile event that repeats what is known changes nothing.
      for (const name of Object.keys(event.attrs)) {
        const value = event.attrs[name];
        if (value === null) {
          if (state.attrsView.has(name)) {
            state.attrs.delete(name);
            change.attrs.push(name);
          }
        } else if (state.attrsView.get(name) !== value) {
          state.attrs.set(name, value);
          change.attrs.push(name);
        }
      }
      break;
    case 'tag.added':
      if (!state.tagsView.has(event.tag)) {
        state.tags.add(event.tag);
        change.tags.push(event.tag);
      }
      break;
    case 'tag.removed':
      if (state.tagsView.has(event.tag)) {
        state.tags.delete(event.tag);
        change.tags.push(event.tag);
      }
      break;
    case 'policy.issued':
    case 'policy.renewed': {
      // An event without `attrs` keeps the insured object an earlier event gave.
      const previous = state.policies.get(event.policyId);
      state.policies.set(event.policyId, {
        product: event.product,
        startDate: event.startDate,
        endDate: event.endDate,
        premium: event.premium,
        attrs:
          event.attrs === undefined && previous !== undefined
            ? previous.attrs
            : policyAttrs(event.attrs as Record<string, JsonValue> | undefined),
        status: 'active',
      });
      change.policies = true;
      break;
    }
    case 'policy.cancelled': {
      // Cancelling a policy the engine never saw changes nothing (there is no product or endDate).
      const policy = state.policiesView.get(event.policyId);
      if (policy !== undefined && policy.status !== 'cancelled') {
        (state.policies.get(event.policyId) as PolicyState).status = 'cancelled';
        change.policies = true;
      }
      break;
    }
    case 'claim.reported':
    case 'claim.assessed':
    case 'claim.settled':
    case 'claim.rejected': {
      const previous = state.claims.get(event.claimId);
      const claim: ClaimState = { status: event.type.slice(6) as ClaimStatus, statusTs: event.ts };
      // An event without `amount` keeps the amount an earlier event gave.
      const amount = event.amount ?? previous?.amount;
      if (amount !== undefined) claim.amount = amount;
      state.claims.set(event.claimId, claim);
      change.claims = true;
      break;
    }
    case 'behaviour': {
      let history = state.behaviour.get(event.action);
      if (history === undefined) {
        history = [];
        state.behaviour.set(event.action, history);
      }
      const ts = event.ts;
      if (history.length === 0 || history[history.length - 1] <= ts) history.push(ts);
      else history.splice(upperBound(history, ts), 0, ts);
      change.action = event.action;
      break;
    }
  }
  return change;
}

/** Drops behaviour at or before `now - retentionMs`: no window allowed by validation can see it. */
export function trimBehaviour(
  state: CustomerState,
  now: number,
  retentionMs: number,
  only?: string,
): void {
  const horizon = now - retentionMs;
  // Through the view: only a history with something to drop marks the behaviour changed.
  const trim = (action: string, history: readonly number[]): void => {
    if (history.length === 0 || history[0] > horizon) return;
    const keep = upperBound(history, horizon);
    if (keep === history.length) state.behaviour.delete(action);
    else (state.behaviour.get(action) as number[]).splice(0, keep);
  };
  if (only !== undefined) {
    const history = state.behaviourView.get(only);
    if (history !== undefined) trim(only, history);
  } else {
    for (const [action, history] of state.behaviourView) trim(action, history);
  }
}
