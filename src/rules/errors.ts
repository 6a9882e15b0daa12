import { TouchstreamError } from '../errors/index.js';

export interface RuleProblem {
  /** Where in the rule, as a JSONPath such as `$.when.all[0].eq` (`$` is the rule itself). */
  path: string;
  message: string;
}

/** A rule that breaks the contract; it is rejected whole and the rules in force stay as they were. */
export class RuleRejectedError extends TouchstreamError {
  readonly problems: readonly RuleProblem[];

  constructor(ruleId: string | undefined, problems: readonly RuleProblem[]) {
    const first = problems[0] ?? { path: '$', message: 'rejected' };
    const which = ruleId === undefined ? 'rule' : `rule ${JSON.stringify(ruleId)}`;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
    super(
      'TS_RULE_INVALID',
      `${which} rejected at ${first.path}: ${first.message}${more}; fix the rule and upsert it again`,
      { details: { path: first.path, ruleId, problems } },
    );
    this.problems = problems;
  }
}

/** Stored customer state that cannot be decoded (corrupt bytes or an unknown layout version). */
export class CustomerStateDecodeError extends TouchstreamError {
  constructor(message: string, cause?: unknown) {
    super(
      'TS_RULE_STATE_DECODE',
      `customer state: ${message}; restore the store from its changelog`,
      {
        cause,
      },
    );
  }
}
