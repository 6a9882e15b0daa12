import { TouchstreamError } from '../errors/index.js';
import type { TouchstreamErrorOptions } from '../errors/index.js';

/** Failures of the task runtime and drivers: configuration, missing topics, lost state. */
export class RuntimeError extends TouchstreamError {
  constructor(code: `TS_RUNTIME_${string}`, message: string, options?: TouchstreamErrorOptions) {
    super(code, message, options);
  }
}
