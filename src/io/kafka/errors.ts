import { TouchstreamError } from '../errors.js';
import type { TouchstreamErrorOptions } from '../errors.js';

/** Kafka I/O failures: topics, clients, transactions. */
export class IoError extends TouchstreamError {
  constructor(code: `TS_IO_${string}`, message: string, options?: TouchstreamErrorOptions) {
    super(code, message, options);
  }
}
