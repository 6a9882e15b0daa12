export { RuleEngineProcessor } from './rule-engine-processor.js';
export { DEFAULT_CONTACT_ATTRIBUTES } from './rule-engine-options.js';
export type {
  ContactAttributes,
  RuleEngineOptions,
  RuleEngineOutputs,
  RuleEngineStores,
  RuleRejection,
  TouchCommandRecord,
} from './rule-engine-options.js';
export type { RuleProcessorContext } from './processor-port.js';
export { RuleEventError } from './errors.js';
export { indexPrefix } from './broadcast-index.js';
