export { RuleEngineProcessor } from './rule-engine-processor.js';
export type {
  RuleEngineOptions,
  RuleEngineOutputs,
  RuleEngineStores,
  RuleRejection,
} from './rule-engine-processor.js';
export type { RuleProcessorContext } from './processor-port.js';
export { RuleEventError } from './errors.js';
export { indexPrefix } from './broadcast-index.js';
