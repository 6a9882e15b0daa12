// The rule engine's pure core: validation, compilation, customer state and the phases the
// processor runs per customer. Nothing here does I/O, keeps time or schedules anything.
export { DURATION_PATTERN, DurationError, parseDuration, tryParseDuration } from './duration.js';
export { CustomerStateDecodeError, RuleRejectedError } from './errors.js';
export type { RuleProblem } from './errors.js';
export {
  DEFAULT_RETENTION_MS,
  assertValidRule,
  referencedSegments,
  validateRule,
  validateRules,
} from './rule-validator.js';
export type { RuleSetValidation, RuleValidation, RuleValidationContext } from './rule-validator.js';
export { ruleSchema } from './rule-schema.js';
export { isCustomerEvent, parseEvent, validateEvent } from './event-validator.js';
export type { EventValidation } from './event-validator.js';
export { applyEvent, createCustomerState, trimBehaviour } from './customer-state.js';
export type {
  ClaimState,
  ClaimStatus,
  CustomerState,
  PendingFiring,
  PolicyState,
  PolicyStatus,
  StateChange,
} from './customer-state.js';
export { customerStateSerde } from './state-serde.js';
export { compileCondition, conditionNextFlip, evaluate } from './condition-compiler.js';
export type { CompiledCondition, Predicate, Reads, TimeLeaf } from './condition-compiler.js';
export { compileRules, withRule, withoutRule } from './rule-set.js';
export type {
  CompiledSegment,
  CompiledTrigger,
  RuleSet,
  RuleSetOptions,
  SegmentIndex,
} from './rule-set.js';
export { advanceTo, applyRecord, onRulesChanged, transitionOccurrences } from './phases.js';
export { fire, onBroadcast } from './fire.js';
export { catchUp } from './catch-up.js';
export type { CatchUp } from './catch-up.js';
export { nextFlip, nextWake } from './wake.js';
export { holdoutFraction, isHeldOut } from './holdout.js';
export { renderParams } from './template.js';
export * from './types.js';
export {
  DEFAULT_CONTACT_ATTRIBUTES,
  RuleEngineProcessor,
  RuleEventError,
  indexPrefix,
} from './processor/index.js';
export type {
  ContactAttributes,
  TouchCommandRecord,
  RuleEngineOptions,
  RuleEngineOutputs,
  RuleEngineStores,
  RuleProcessorContext,
  RuleRejection,
} from './processor/index.js';
export * from './insight/index.js';
