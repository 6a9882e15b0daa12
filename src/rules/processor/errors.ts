import { TouchstreamError } from '../../errors/index.js';

/** An input event that breaks the contract (section 1): it goes to the dead letters with this reason. */
export class RuleEventError extends TouchstreamError {
  constructor(reason: string) {
    super('TS_RULE_EVENT_INVALID', reason, { details: { reason } });
  }
}
