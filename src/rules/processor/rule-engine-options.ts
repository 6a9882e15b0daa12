/** How the rule engine processor is configured: its stores, outputs, options and what it reports. */
import type { InsightAttributes } from '../insight/customer-dimensions.js';
import type { Touch, Transition } from '../types.js';

export interface RuleEngineStores {
  customers: string;
  broadcastIndex: string;
  /** Small bookkeeping: the rules the task's customer states were last brought up to date with. */
  meta: string;
  /** Per-segment tallies for insight (sizes, distributions, size over time); none kept when absent. */
  segmentStats?: string;
}

export interface RuleEngineOutputs {
  /** Child node names the processor forwards to. */
  transitions: string;
  touches: string;
  rejections: string;
}

export interface RuleEngineOptions {
  stores: RuleEngineStores;
  outputs: RuleEngineOutputs;
  /** The global table holding rules by id. */
  rulesTable: string;
  retentionMs?: number;
  /** Attributes always indexed for broadcasts, besides those rules match on (default city, province). */
  indexedAttributes?: readonly string[];
  /** Customers visited per step of a backfill or broadcast (default 1000). */
  sweepChunk?: number;
  /** Called as backfills progress, for logs and metrics. */
  onBackfillProgress?(progress: { taskId: string; visited: number; done: boolean }): void;
  /** Called when a rule from the rules table is refused. */
  onRuleRejected?(rejection: RuleRejection): void;
  /**
   * The clock of each customer's wake timer: `stream` (default; replay and the contract's tests)
   * fires time-driven changes when stream time reaches them; `wall` fires them on the wall clock,
   * so a renewal reminder goes out on a quiet night with no events arriving.
   */
  wakeClock?: 'stream' | 'wall';
  /** Called with what each step emitted, for metrics (not called when nothing was emitted). */
  onTransitions?(transitions: readonly Transition[]): void;
  onTouches?(touches: readonly Touch[]): void;
  /** Which attributes segment insight breaks sizes down by (defaults: gender, age, province, ...). */
  insightAttributes?: Partial<InsightAttributes>;
  /** The offset of insight's hour and day buckets from UTC, in minutes (default 480, China). */
  insightUtcOffsetMinutes?: number;
  /**
   * The attributes a touch command takes its contact fields from (phone for SMS, openid for
   * WeChat, registration id for push); the delivery stage refuses a command lacking its own.
   */
  contactAttributes?: Partial<ContactAttributes>;
}

export interface ContactAttributes {
  phone: string;
  openid: string;
  pushRegistrationId: string;
}

export const DEFAULT_CONTACT_ATTRIBUTES: Readonly<ContactAttributes> = Object.freeze({
  phone: 'phone',
  openid: 'openid',
  pushRegistrationId: 'pushRegistrationId',
});

/** A touch as the engine writes it to the touch-commands topic: the contract's fields and contact details. */
export interface TouchCommandRecord extends Touch {
  phone: string | null;
  openid: string | null;
  pushRegistrationId: string | null;
}

export interface RuleRejection {
  at: number;
  ruleId: string;
  path: string;
  message: string;
  errors: { path: string; message: string }[];
}
