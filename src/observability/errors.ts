import { TouchstreamError } from '../errors/index.js';

/** A logger option that cannot work (unknown level, empty name); fix the caller's options. */
export class InvalidLoggerOptionError extends TouchstreamError {
  constructor(option: string, value: unknown, expected: string) {
    super(
      'TS_LOG_INVALID_OPTION',
      `logger option "${option}" is ${JSON.stringify(value)}; expected ${expected}`,
      { details: { option, value } },
    );
  }
}

/** A metrics-registry option that cannot work (buckets out of order, bad label value). */
export class InvalidMetricsOptionError extends TouchstreamError {
  constructor(option: string, value: unknown, expected: string) {
    super(
      'TS_METRICS_INVALID_OPTION',
      `metrics option "${option}" is ${JSON.stringify(value)}; expected ${expected}`,
      { details: { option, value } },
    );
  }
}

/**
 * A metric method got a value no metric can hold (negative count, NaN). This is a caller bug, so
 * it is loud rather than silently dropped: a counter that quietly ignores input lies on the
 * dashboard.
 */
export class InvalidMetricValueError extends TouchstreamError {
  constructor(metric: string, value: number, expected: string) {
    super(
      'TS_METRICS_INVALID_VALUE',
      `metric ${metric} was given ${String(value)}; expected ${expected} (check the caller's arithmetic)`,
      { details: { metric, value } },
    );
  }
}
