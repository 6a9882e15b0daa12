import { TouchstreamError } from '../../errors/index.js';

/** A command line that cannot be run as written. */
export class UsageError extends TouchstreamError {
  constructor(message: string) {
    super('TS_CLI_USAGE', `${message} (touchstream help shows the usage)`);
  }
}
