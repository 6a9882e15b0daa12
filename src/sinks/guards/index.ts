export { GuardChain } from './guard-chain.js';
export type { GuardChainOptions, GuardDecision, GuardName, GuardedCommand } from './guard-chain.js';
export { GUARD_CONFIG_SCHEMA, validateGuardConfig } from './guard-config.js';
export type {
  CapPeriod,
  CapRule,
  GuardConfig,
  GuardConfigInput,
  QuietWindow,
  RateLimit,
} from './guard-config.js';
export { IdempotencyLedger } from './idempotency-ledger.js';
export type { ClaimResult, FinishResult, IdempotencyLedgerOptions } from './idempotency-ledger.js';
export { FrequencyCap } from './frequency-cap.js';
export type { CapResult } from './frequency-cap.js';
export { calendarPeriod } from './calendar-period.js';
export type { CalendarPeriod } from './calendar-period.js';
export { QuietHours } from './quiet-hours.js';
export type { QuietHoursResult } from './quiet-hours.js';
export { DeferralQueue } from './deferral-queue.js';
export type { DeferralQueueOptions } from './deferral-queue.js';
export { RateLimiter } from './rate-limiter.js';
export type { RateDecision } from './rate-limiter.js';
export {
  InvalidGuardConfigError,
  InvalidGuardInputError,
  SinkRedisCommandError,
  SinkRedisUnavailableError,
} from './errors.js';
