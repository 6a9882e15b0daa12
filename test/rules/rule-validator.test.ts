import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  RuleRejectedError,
  assertValidRule,
  validateRule,
  validateRules,
  type Rule,
} from '../../src/rules/index.js';
import { DAY } from './support/factories.js';

const seg = (when: unknown, id = 's') => ({ id, kind: 'segment', when });
const trig = (extra: Record<string, unknown>) => ({
  id: 't',
  kind: 'trigger',
  on: { event: 'claim.settled' },
  touch: { channel: 'push', template: 'x' },
  ...extra,
});

function firstProblem(json: unknown, context = {}): { path: string; message: string } {
  const result = validateRule(json, context);
  assert.equal(result.ok, false, 'expected the rule to be rejected');
  return (result as { errors: { path: string; message: string }[] }).errors[0];
}

describe('valid rules', () => {
  test('accepts every condition form and trigger field', () => {
    const rules = [
      seg({
        all: [
          {
            any: [
              { attr: 'age', gte: 18 },
              { attr: 'city', in: ['Ningbo'] },
            ],
          },
          { not: { tag: 'blocked' } },
          { attr: 'email', exists: true },
          { attr: 'x', eq: null },
          {
            policy: {
              product: ['auto'],
              status: 'active',
              expiresWithin: '30d',
              expiredWithin: '1h',
              where: { attr: 'age', lt: 5 },
            },
          },
          { claim: { status: ['settled', 'rejected'], within: '2d', minAmount: 100 } },
          { event: 'app_open', within: '90d', count: { gte: 1, lt: 5 } },
          { segment: 'other' },
        ],
      }),
      trig({
        name: 'n',
        version: 3,
        if: { tag: 'a' },
        delay: '2d',
        cap: { max: 1, per: '7d' },
        holdout: 0.1,
      }),
      trig({ on: { event: 'behaviour', action: 'app_open' } }),
      trig({ on: { enter: 's' } }),
      trig({ on: { exit: 's' } }),
      trig({
        on: { broadcast: 'weather_alert', match: { attr: 'city', prop: 'city' } },
        touch: { channel: 'sms', template: 'x', params: { a: 1 } },
      }),
      trig({ on: { broadcast: 'news' }, holdout: 0 }),
    ];
    for (const rule of rules) {
      const result = validateRule(rule);
      assert.equal(result.ok, true, JSON.stringify(result));
    }
  });

  test('returns a copy of the rule, not the caller object', () => {
    const json = seg({ tag: 'a' });
    const result = validateRule(json);
    assert.ok(result.ok);
    assert.deepEqual(result.rule, json);
    assert.notEqual(result.rule, json);
  });
});

describe('rejected rules report the path of the first problem', () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['an attr form with no operator', seg({ attr: 'x' }), '$.when', /exactly one operator/],
    [
      'an attr form with two operators',
      seg({ attr: 'x', gt: 1, lt: 3 }),
      '$.when',
      /exactly one operator/,
    ],
    [
      'an unknown field in a condition',
      seg({ all: [{ tag: 'a', extra: 1 }] }),
      '$.when.all[0].extra',
      /unknown field/,
    ],
    [
      'an unknown field at the top',
      { ...seg({ tag: 'a' }), owner: 'me' },
      '$.owner',
      /unknown field/,
    ],
    [
      'an object that is no condition form',
      seg({ any: [{ tag: 'a' }, { foo: 1 }] }),
      '$.when.any[1]',
      /condition form/,
    ],
    ['in without an array', seg({ attr: 'x', in: 'a' }), '$.when.in', /array/],
    ['nin without an array', seg({ attr: 'x', nin: 3 }), '$.when.nin', /array/],
    [
      'where using a non-attr form',
      seg({ policy: { where: { tag: 'x' } } }),
      '$.when.policy.where',
      /attr, all, any or not/,
    ],
    [
      'where nesting a non-attr form',
      seg({ policy: { where: { all: [{ segment: 's2' }] } } }),
      '$.when.policy.where.all[0]',
      /attr/,
    ],
    ['a bad duration', seg({ claim: { within: '2 days' } }), '$.when.claim.within', /duration/],
    ['an event condition without within', seg({ event: 'app_open' }), '$.when', /within/],
    [
      'an unknown count operator',
      seg({ event: 'a', within: '1d', count: { ne: 1 } }),
      '$.when.count.ne',
      /unknown field/,
    ],
    [
      'a policy status other than active or cancelled',
      seg({ policy: { status: 'lapsed' } }),
      '$.when.policy.status',
      /active/,
    ],
    ['exists that is not a boolean', seg({ attr: 'x', exists: 'yes' }), '$.when.exists', /boolean/],
    ['a missing when', { id: 's', kind: 'segment' }, '$', /when/],
    ['an unknown kind', { id: 's', kind: 'journey' }, '$.kind', /segment/],
    ['a holdout above 1', trig({ holdout: 1.5 }), '$.holdout', /<= 1/],
    ['a holdout below 0', trig({ holdout: -0.1 }), '$.holdout', />= 0/],
    ['a cap max below 1', trig({ cap: { max: 0, per: '1d' } }), '$.cap.max', />= 1/],
    [
      'an unknown channel',
      trig({ touch: { channel: 'email', template: 'x' } }),
      '$.touch.channel',
      /push/,
    ],
    [
      'an ON of an unknown event type',
      trig({ on: { event: 'policy.expired' } }),
      '$.on.event',
      /one of/,
    ],
    [
      'an action on a non-behaviour ON',
      trig({ on: { event: 'claim.settled', action: 'x' } }),
      '$.on.action',
      /behaviour/,
    ],
    ['a bad delay', trig({ delay: '2' }), '$.delay', /duration/],
    ['a rule that is not an object', [1], '$', /rule object/],
  ];
  for (const [name, json, path, message] of cases) {
    test(`rejects ${name}`, () => {
      const problem = firstProblem(json);
      assert.equal(problem.path, path);
      assert.match(problem.message, message);
    });
  }

  test('returns every problem, in the order a reader meets them', () => {
    const result = validateRule(
      trig({ on: { enter: '' }, touch: { channel: 'fax', template: 1 }, holdout: 2 }),
    );
    assert.equal(result.ok, false);
    assert.deepEqual(
      (result as { errors: { path: string }[] }).errors.map((e) => e.path),
      ['$.on.enter', '$.touch.channel', '$.touch.template', '$.holdout'],
    );
  });
});

describe('retention and cycles', () => {
  test('rejects a within longer than the default 90d retention and accepts 90d', () => {
    assert.equal(firstProblem(seg({ event: 'app_open', within: '91d' })).path, '$.when.within');
    assert.equal(firstProblem(seg({ claim: { within: '2161h' } })).path, '$.when.claim.within');
    assert.equal(validateRule(seg({ event: 'app_open', within: '90d' })).ok, true);
  });

  test('uses the configured retention', () => {
    assert.equal(
      validateRule(seg({ event: 'a', within: '8d' }), { retentionMs: 7 * DAY }).ok,
      false,
    );
    assert.equal(
      validateRule(seg({ event: 'a', within: '180d' }), { retentionMs: 180 * DAY }).ok,
      true,
    );
  });

  test('does not limit expiresWithin, delay or cap.per by the retention', () => {
    assert.equal(validateRule(seg({ policy: { expiresWithin: '365d' } })).ok, true);
    assert.equal(validateRule(trig({ delay: '365d', cap: { max: 1, per: '365d' } })).ok, true);
  });

  test('rejects a segment referencing itself', () => {
    const problem = firstProblem(seg({ segment: 's' }));
    assert.equal(problem.path, '$.when.segment');
    assert.match(problem.message, /cycle: s -> s/);
  });

  test('rejects a cycle through the rules already in force', () => {
    const existing = [
      seg({ segment: 'b' }, 'a'),
      seg({ all: [{ tag: 'x' }, { segment: 'c' }] }, 'b'),
    ] as Rule[];
    const problem = firstProblem(seg({ any: [{ tag: 'y' }, { segment: 'a' }] }, 'c'), {
      existingRules: existing,
    });
    assert.equal(problem.path, '$.when.any[1].segment');
    assert.match(problem.message, /c -> a -> b -> c/);
  });

  test('a replace that removes a reference breaks the cycle', () => {
    const existing = new Map<string, Rule>([
      ['a', seg({ segment: 'b' }, 'a') as Rule],
      ['b', seg({ segment: 'a' }, 'b') as Rule],
    ]);
    assert.equal(validateRule(seg({ tag: 'z' }, 'b'), { existingRules: existing }).ok, true);
  });

  test('references to segments that do not exist yet are allowed', () => {
    assert.equal(validateRule(seg({ segment: 'later' })).ok, true);
  });
});

describe('RuleRejectedError', () => {
  test('carries code TS_RULE_INVALID and the first problem path', () => {
    assert.throws(
      () => assertValidRule(seg({ attr: 'x' }, 'vip')),
      (error: unknown) =>
        error instanceof RuleRejectedError &&
        error.code === 'TS_RULE_INVALID' &&
        error.details.path === '$.when' &&
        /rule "vip" rejected at \$\.when/.test(error.message),
    );
  });
});

describe('validating the rules in force together', () => {
  test('accepts rules in order, rejecting the one that closes a cycle and keeping the last of an id', () => {
    const result = validateRules([
      seg({ segment: 'b' }, 'a'),
      seg({ segment: 'a' }, 'b'),
      seg({ attr: 'x' }, 'c'),
      seg({ tag: 'v1' }, 'd'),
      seg({ tag: 'v2' }, 'd'),
    ]);
    assert.deepEqual(
      result.rules.map((r) => [r.id, JSON.stringify((r as { when: unknown }).when)]),
      [
        ['a', '{"segment":"b"}'],
        ['d', '{"tag":"v2"}'],
      ],
    );
    assert.deepEqual(
      result.rejected.map((r) => [r.index, r.errors[0].path]),
      [
        [1, '$.when.segment'],
        [2, '$.when'],
      ],
    );
  });

  test('rejects something that is not an array', () => {
    assert.deepEqual(validateRules({}).rejected[0].errors[0], {
      path: '$',
      message: 'must be an array of rules',
    });
  });
});

describe('problem lists', () => {
  test('an attr form with a wrong attr and no operator reports both', () => {
    const result = validateRule(seg({ attr: 5 }));
    assert.equal(result.ok, false);
    assert.deepEqual(
      (result as { errors: { path: string }[] }).errors.map((e) => e.path),
      ['$.when.attr', '$.when'],
    );
  });

  test('an odd key is named in bracket notation', () => {
    assert.equal(firstProblem({ ...seg({ tag: 'a' }), 'odd key': 1 }).path, "$['odd key']");
  });
});

describe('rival forms', () => {
  test('a condition with two forms is reported as such, not as an unknown field', () => {
    const problem = firstProblem(seg({ tag: 'a', segment: 'b' }));
    assert.deepEqual(problem, {
      path: '$.when.tag',
      message: 'a condition takes exactly one form, and this object has several',
    });
  });

  test('an ON with two forms is reported as such', () => {
    assert.match(
      firstProblem(trig({ on: { enter: 's', exit: 's' } })).message,
      /an ON takes exactly one form/,
    );
  });

  test('a condition that is not an object is reported once', () => {
    const result = validateRule(seg({ not: 'x' }));
    assert.deepEqual((result as { errors: unknown[] }).errors, [
      { path: '$.when.not', message: 'must be a condition object' },
    ]);
  });
});
