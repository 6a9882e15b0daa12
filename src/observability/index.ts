export { createLogger } from './logger.js';
export type { Logger, LoggerOptions, LogLevel, LogDestination } from './logger.js';
export { maskPii, maskValue } from './pii-mask.js';
export { maskJsonLine } from './json-line-mask.js';
export { MetricsRegistry } from './metrics-registry.js';
export type { MetricsRegistryOptions, SegmentChange } from './metrics-registry.js';
export {
  METRICS,
  METRIC_NAMES,
  PROCESS_LATENCY_BUCKETS,
  COMMIT_LATENCY_BUCKETS,
  DELIVERY_SEND_LATENCY_BUCKETS,
  RULE_EVALUATION_BUCKETS,
} from './metric-definitions.js';
export type { MetricDefinition } from './metric-definitions.js';
export {
  InvalidLoggerOptionError,
  InvalidMetricsOptionError,
  InvalidMetricValueError,
} from './errors.js';
