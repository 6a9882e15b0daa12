/**
 * The plain-data shapes of the rule contract (docs/rules.md, shared rules-contract.md): rules as
 * authors write them, input events after validation, and the records the engine emits.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Durations stay as written (`30d`) in rules; the compiler turns them into milliseconds. */
export type DurationText = string;

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | AttrCondition
  | { tag: string }
  | { policy: PolicyMatch }
  | { claim: ClaimMatch }
  | EventCondition
  | { segment: string };

export const ATTR_OPS = ['eq', 'ne', 'in', 'nin', 'gt', 'gte', 'lt', 'lte'] as const;
export type AttrOp = (typeof ATTR_OPS)[number];

/** Exactly one of the operators, or `exists` (validation enforces "exactly one"). */
export interface AttrCondition {
  attr: string;
  eq?: JsonValue;
  ne?: JsonValue;
  in?: JsonValue[];
  nin?: JsonValue[];
  gt?: JsonValue;
  gte?: JsonValue;
  lt?: JsonValue;
  lte?: JsonValue;
  exists?: boolean;
}

export interface PolicyMatch {
  product?: string | string[];
  status?: 'active' | 'cancelled';
  expiresWithin?: DurationText;
  expiredWithin?: DurationText;
  where?: Condition;
}

export interface ClaimMatch {
  status?: string | string[];
  within?: DurationText;
  minAmount?: number;
}

export const COUNT_OPS = ['eq', 'gte', 'gt', 'lte', 'lt'] as const;
export type CountOp = (typeof COUNT_OPS)[number];

export interface EventCondition {
  event: string;
  within: DurationText;
  count?: Partial<Record<CountOp, number>>;
}

export interface RuleBase {
  id: string;
  name?: string;
  version?: string | number;
}

export interface SegmentRule extends RuleBase {
  kind: 'segment';
  when: Condition;
}

export type TriggerOn =
  | { event: string; action?: string }
  | { enter: string }
  | { exit: string }
  | { broadcast: string; match?: { attr: string; prop: string } };

export const CHANNELS = ['push', 'sms', 'wechat', 'coupon'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface TouchSpec {
  channel: Channel;
  template: string;
  params?: JsonObject;
}

export interface TriggerRule extends RuleBase {
  kind: 'trigger';
  on: TriggerOn;
  if?: Condition;
  delay?: DurationText;
  touch: TouchSpec;
  cap?: { max: number; per: DurationText };
  holdout?: number;
}

export type Rule = SegmentRule | TriggerRule;

/** Customer event types: every one carries a `customerId` and changes (or may fire for) one customer. */
export const CUSTOMER_EVENT_TYPES = [
  'customer.profile',
  'tag.added',
  'tag.removed',
  'policy.issued',
  'policy.renewed',
  'policy.cancelled',
  'claim.reported',
  'claim.assessed',
  'claim.settled',
  'claim.rejected',
  'behaviour',
] as const;
export type CustomerEventType = (typeof CUSTOMER_EVENT_TYPES)[number];

export const CONTROL_EVENT_TYPES = ['broadcast', 'clock', 'rule.upsert', 'rule.delete'] as const;
export type ControlEventType = (typeof CONTROL_EVENT_TYPES)[number];

export type AttrValue = string | number | boolean;

interface EventBase {
  id: string;
  ts: number;
  /** Fields the contract does not name are kept as they came (templates may read them). */
  [extra: string]: unknown;
}

export interface ProfileEvent extends EventBase {
  type: 'customer.profile';
  customerId: string;
  attrs: Record<string, AttrValue | null>;
}
export interface TagEvent extends EventBase {
  type: 'tag.added' | 'tag.removed';
  customerId: string;
  tag: string;
}
export interface PolicyEvent extends EventBase {
  type: 'policy.issued' | 'policy.renewed';
  customerId: string;
  policyId: string;
  product: string;
  startDate: number;
  endDate: number;
  premium: number;
  attrs?: JsonObject;
}
export interface PolicyCancelledEvent extends EventBase {
  type: 'policy.cancelled';
  customerId: string;
  policyId: string;
}
export interface ClaimEvent extends EventBase {
  type: 'claim.reported' | 'claim.assessed' | 'claim.settled' | 'claim.rejected';
  customerId: string;
  claimId: string;
  amount?: number;
}
export interface BehaviourEvent extends EventBase {
  type: 'behaviour';
  customerId: string;
  action: string;
  props?: JsonObject;
}
export interface BroadcastEvent extends EventBase {
  type: 'broadcast';
  topic: string;
  props: JsonObject;
}
export interface ClockEvent extends EventBase {
  type: 'clock';
}
export interface RuleUpsertEvent extends EventBase {
  type: 'rule.upsert';
  /** Not validated as a rule by `validateEvent`: the processor validates it with `validateRule`. */
  rule: JsonObject;
}
export interface RuleDeleteEvent extends EventBase {
  type: 'rule.delete';
  ruleId: string;
}

export type CustomerEvent =
  ProfileEvent | TagEvent | PolicyEvent | PolicyCancelledEvent | ClaimEvent | BehaviourEvent;
export type InputEvent =
  CustomerEvent | BroadcastEvent | ClockEvent | RuleUpsertEvent | RuleDeleteEvent;

/** A line of `segments.jsonl`. */
export interface Transition {
  at: number;
  segment: string;
  customerId: string;
  change: 'enter' | 'exit';
}

/** A line of `touches.jsonl`. */
export interface Touch {
  at: number;
  trigger: string;
  customerId: string;
  channel: Channel;
  template: string;
  params: JsonObject;
  heldOut: boolean;
}

/**
 * Something that may make a trigger fire at `at`: its ON happened (`due` absent), or a delayed
 * firing recorded earlier has come due. `event` is what `${event.FIELD}` reads: the input event,
 * the broadcast, or for enter/exit the transition record.
 */
export interface Occurrence {
  trigger: string;
  /** When the trigger's ON happened. */
  onAt: number;
  event: object;
  /** Set for a delayed firing that has come due: it fires now, whatever the trigger's delay says. */
  due?: number;
}

/** What one phase produced for one customer. Touches only come from `fire`. */
export interface PhaseOutput {
  transitions: Transition[];
  occurrences: Occurrence[];
}
