import { TouchstreamError } from '../errors/index.js';
import type { TouchstreamErrorOptions } from '../errors/index.js';

/** A processor refused a record or was used wrongly. The task sends the record to the dead letters. */
export class OperatorError extends TouchstreamError {
  constructor(code: `TS_OPERATOR_${string}`, message: string, options?: TouchstreamErrorOptions) {
    super(code, message, options);
  }
}
