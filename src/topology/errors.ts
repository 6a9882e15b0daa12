import { TouchstreamError } from '../errors/index.js';
import type { TouchstreamErrorOptions } from '../errors/index.js';

/**
 * A topology that cannot be built as written: a duplicate name, a store used by two
 * sub-topologies, a missing store. Thrown by the builder, never while records flow.
 */
export class TopologyError extends TouchstreamError {
  constructor(code: `TS_TOPOLOGY_${string}`, message: string, options?: TouchstreamErrorOptions) {
    super(code, message, options);
  }
}
