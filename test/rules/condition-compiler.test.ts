import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  RuleRejectedError,
  applyEvent,
  conditionNextFlip,
  createCustomerState,
  evaluate,
  validateEvent,
  type Condition,
  type CustomerEvent,
  type CustomerState,
} from '../../src/rules/index.js';
import { DAY, T0, behaviour, claim, policy, profile, tag } from './support/factories.js';

function customer(...events: object[]): CustomerState {
  const state = createCustomerState('c1');
  for (const json of events) {
    const result = validateEvent(json);
    if (!result.ok) throw new Error(result.reason);
    applyEvent(state, result.event as CustomerEvent);
  }
  return state;
}

const attrs = customer(
  profile('c1', T0, { age: 40, city: 'Shanghai', vip: true, code: '10', level: 'B' }),
);
const is = (cond: unknown, state: CustomerState, now: number): boolean =>
  evaluate(cond as Condition, state, now);

describe('boolean combinations', () => {
  test('all of no conditions is true', () => assert.equal(is({ all: [] }, attrs, T0), true));
  test('any of no conditions is false', () => assert.equal(is({ any: [] }, attrs, T0), false));
  test('all is true only when every part is true', () => {
    assert.equal(is({ all: [{ tag: 'x' }, { attr: 'age', eq: 40 }] }, attrs, T0), false);
    assert.equal(
      is(
        {
          all: [
            { attr: 'vip', eq: true },
            { attr: 'age', eq: 40 },
          ],
        },
        attrs,
        T0,
      ),
      true,
    );
  });
  test('any is true when one part is true', () => {
    assert.equal(is({ any: [{ tag: 'x' }, { attr: 'age', eq: 40 }] }, attrs, T0), true);
  });
  test('not negates its condition', () => {
    assert.equal(is({ not: { attr: 'age', eq: 40 } }, attrs, T0), false);
    assert.equal(is({ not: { tag: 'x' } }, attrs, T0), true);
  });
});

describe('attribute comparisons', () => {
  const cases: [string, object, boolean][] = [
    ['eq matches an equal number', { attr: 'age', eq: 40 }, true],
    ['eq is false between a number and a string', { attr: 'age', eq: '40' }, false],
    ['eq is false between a boolean and a string', { attr: 'vip', eq: 'true' }, false],
    ['ne is true for a different value', { attr: 'age', ne: 41 }, true],
    ['ne is true for a value of another type', { attr: 'age', ne: '40' }, true],
    ['ne is false for an equal value', { attr: 'age', ne: 40 }, false],
    ['in is true when some element is equal', { attr: 'city', in: ['Beijing', 'Shanghai'] }, true],
    ['in compares with eq typing', { attr: 'age', in: ['40'] }, false],
    ['nin is true when no element is equal', { attr: 'city', nin: ['Beijing'] }, true],
    ['nin is false when an element is equal', { attr: 'city', nin: ['Shanghai'] }, false],
    ['gt compares numbers', { attr: 'age', gt: 39 }, true],
    ['gt is false for equal numbers', { attr: 'age', gt: 40 }, false],
    ['gte is true for equal numbers', { attr: 'age', gte: 40 }, true],
    ['lt compares numbers', { attr: 'age', lt: 41 }, true],
    ['lte is true for equal numbers', { attr: 'age', lte: 40 }, true],
    ['gt between a number and a string is false', { attr: 'age', gt: '3' }, false],
    ['lt between a string and a number is false', { attr: 'code', lt: 100 }, false],
    ['strings compare in code-unit order, not numerically', { attr: 'code', lt: '9' }, true],
    ['upper case sorts before lower case in code-unit order', { attr: 'level', lt: 'a' }, true],
    ['gt between booleans is false', { attr: 'vip', gte: true }, false],
  ];
  for (const [name, cond, expected] of cases)
    test(name, () => assert.equal(is(cond, attrs, T0), expected));

  test('a missing attribute makes every operator false', () => {
    for (const op of ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'])
      assert.equal(is({ attr: 'nope', [op]: 1 }, attrs, T0), false, op);
    assert.equal(is({ attr: 'nope', in: [1] }, attrs, T0), false);
    assert.equal(is({ attr: 'nope', nin: [1] }, attrs, T0), false);
  });
  test('exists tells whether the attribute is present', () => {
    assert.equal(is({ attr: 'age', exists: true }, attrs, T0), true);
    assert.equal(is({ attr: 'nope', exists: true }, attrs, T0), false);
    assert.equal(is({ attr: 'nope', exists: false }, attrs, T0), true);
    assert.equal(is({ attr: 'age', exists: false }, attrs, T0), false);
  });
  test('a null profile value removes the attribute', () => {
    const state = customer(profile('c1', T0, { age: 40 }), profile('c1', T0 + 1, { age: null }));
    assert.equal(is({ attr: 'age', exists: true }, state, T0 + 1), false);
  });
});

describe('tags and segments', () => {
  test('tag is true when the customer has the tag', () => {
    const state = customer(tag('c1', T0, 'gold'));
    assert.equal(is({ tag: 'gold' }, state, T0), true);
    assert.equal(is({ tag: 'silver' }, state, T0), false);
  });
  test('segment is true when the customer is currently in it', () => {
    const state = createCustomerState('c1');
    state.segments.add('vip');
    assert.equal(is({ segment: 'vip' }, state, T0), true);
    assert.equal(is({ segment: 'other' }, state, T0), false);
  });
});

describe('policy conditions', () => {
  const end = T0 + 100 * DAY;
  const state = customer(
    policy('c1', T0, {
      policyId: 'p1',
      product: 'auto',
      endDate: end,
      attrs: { vehicleAge: 7, plateCity: 'Hangzhou' },
    }),
    policy('c1', T0, { policyId: 'p2', product: 'home', endDate: end + 50 * DAY }),
    { type: 'policy.cancelled', id: 'x', ts: T0, customerId: 'c1', policyId: 'p2' },
  );
  test('product matches a string or any of an array', () => {
    assert.equal(is({ policy: { product: 'auto' } }, state, T0), true);
    assert.equal(is({ policy: { product: ['travel', 'home'] } }, state, T0), true);
    assert.equal(is({ policy: { product: 'travel' } }, state, T0), false);
  });
  test('status matches active or cancelled on the same policy as the other fields', () => {
    assert.equal(is({ policy: { product: 'home', status: 'cancelled' } }, state, T0), true);
    assert.equal(is({ policy: { product: 'home', status: 'active' } }, state, T0), false);
  });
  test('expiresWithin holds from endDate - D (inclusive) to endDate (exclusive)', () => {
    const cond = { policy: { product: 'auto', expiresWithin: '30d' } };
    assert.equal(is(cond, state, end - 30 * DAY - 1), false);
    assert.equal(is(cond, state, end - 30 * DAY), true);
    assert.equal(is(cond, state, end - 1), true);
    assert.equal(is(cond, state, end), false);
  });
  test('expiredWithin holds from endDate (inclusive) to endDate + D (exclusive)', () => {
    const cond = { policy: { product: 'auto', expiredWithin: '7d' } };
    assert.equal(is(cond, state, end - 1), false);
    assert.equal(is(cond, state, end), true);
    assert.equal(is(cond, state, end + 7 * DAY - 1), true);
    assert.equal(is(cond, state, end + 7 * DAY), false);
  });
  test('where tests the policy attrs with attr forms', () => {
    assert.equal(
      is(
        {
          policy: {
            where: {
              all: [
                { attr: 'vehicleAge', gte: 5 },
                { attr: 'plateCity', eq: 'Hangzhou' },
              ],
            },
          },
        },
        state,
        T0,
      ),
      true,
    );
    assert.equal(is({ policy: { where: { attr: 'vehicleAge', gt: 7 } } }, state, T0), false);
    assert.equal(
      is({ policy: { product: 'home', where: { attr: 'vehicleAge', exists: true } } }, state, T0),
      false,
    );
  });
  test('an empty policy match is true for any policy', () => {
    assert.equal(is({ policy: {} }, state, T0), true);
    assert.equal(is({ policy: {} }, createCustomerState('c2'), T0), false);
  });
});

describe('claim conditions', () => {
  const settled = T0 + 10 * DAY;
  const state = customer(
    claim('c1', T0, 'reported', { amount: 5000 }),
    claim('c1', settled, 'settled'),
  );
  test('status matches the latest status of a claim, a string or any of an array', () => {
    assert.equal(is({ claim: { status: 'settled' } }, state, settled), true);
    assert.equal(is({ claim: { status: 'reported' } }, state, settled), false);
    assert.equal(is({ claim: { status: ['rejected', 'settled'] } }, state, settled), true);
  });
  test('within holds from statusTs (inclusive) to statusTs + D (exclusive)', () => {
    const cond = { claim: { status: 'settled', within: '2d' } };
    assert.equal(is(cond, state, settled - 1), false);
    assert.equal(is(cond, state, settled), true);
    assert.equal(is(cond, state, settled + 2 * DAY - 1), true);
    assert.equal(is(cond, state, settled + 2 * DAY), false);
  });
  test('minAmount needs an amount at least that big, kept from an earlier event of the claim', () => {
    assert.equal(is({ claim: { minAmount: 5000 } }, state, settled), true);
    assert.equal(is({ claim: { minAmount: 5001 } }, state, settled), false);
    const noAmount = customer(claim('c1', T0, 'reported'));
    assert.equal(is({ claim: { minAmount: 0 } }, noAmount, T0), false);
  });
});

describe('event windows', () => {
  const t = T0 + 10 * DAY;
  const state = customer(
    behaviour('c1', t, 'app_open'),
    behaviour('c1', t + DAY, 'app_open'),
    behaviour('c1', t, 'page_view'),
  );
  test('an event at now counts', () =>
    assert.equal(is({ event: 'app_open', within: '1d' }, state, t), true));
  test('an event at exactly now - D no longer counts', () => {
    assert.equal(
      is({ event: 'app_open', within: '1d', count: { eq: 1 } }, state, t + 2 * DAY - 1),
      true,
    );
    assert.equal(is({ event: 'app_open', within: '1d' }, state, t + 2 * DAY), false);
  });
  test('an event one millisecond inside the window counts', () => {
    assert.equal(is({ event: 'app_open', within: '1d', count: { eq: 2 } }, state, t + DAY), false);
    assert.equal(is({ event: 'app_open', within: '2d', count: { eq: 2 } }, state, t + DAY), true);
    assert.equal(is({ event: 'page_view', within: '1d' }, state, t + DAY - 1), true);
    assert.equal(is({ event: 'page_view', within: '1d' }, state, t + DAY), false);
  });
  test('count checks every given operator', () => {
    const now = t + DAY;
    assert.equal(
      is({ event: 'app_open', within: '7d', count: { gte: 2, lt: 3 } }, state, now),
      true,
    );
    assert.equal(is({ event: 'app_open', within: '7d', count: { gt: 2 } }, state, now), false);
    assert.equal(is({ event: 'app_open', within: '7d', count: { lte: 1 } }, state, now), false);
    assert.equal(
      is({ event: 'coupon_redeemed', within: '7d', count: { eq: 0 } }, state, now),
      true,
    );
  });
  test('with no count, at least one event is needed', () => {
    assert.equal(is({ event: 'coupon_redeemed', within: '7d' }, state, t), false);
  });
});

describe('next flip of a condition', () => {
  test('a policy window flips at endDate - D and at endDate', () => {
    const end = T0 + 100 * DAY;
    const state = customer(policy('c1', T0, { endDate: end }));
    const cond = { policy: { expiresWithin: '30d' } } as Condition;
    assert.equal(conditionNextFlip(cond, state, T0), end - 30 * DAY);
    assert.equal(conditionNextFlip(cond, state, end - 30 * DAY), end);
    assert.equal(conditionNextFlip(cond, state, end), Infinity);
  });
  test('a claim window flips at statusTs + D', () => {
    const state = customer(claim('c1', T0, 'settled'));
    const cond = { claim: { status: 'settled', within: '2d' } } as Condition;
    assert.equal(conditionNextFlip(cond, state, T0), T0 + 2 * DAY);
  });
  test('an event window with no count wakes only when its last event leaves', () => {
    const state = customer(behaviour('c1', T0, 'app_open'), behaviour('c1', T0 + 5, 'app_open'));
    const cond = { event: 'app_open', within: '1d' } as Condition;
    assert.equal(conditionNextFlip(cond, state, T0 + 5), T0 + DAY + 5);
    assert.equal(conditionNextFlip(cond, state, T0 + DAY + 5), Infinity);
  });

  test('an event count wakes when the count drops to the values its checks turn on', () => {
    const times = [0, 10, 20, 30, 40].map((ms) => T0 + ms);
    const state = customer(...times.map((ts) => behaviour('c1', ts, 'page_view')));
    const now = T0 + 40;
    const flip = (count: object) =>
      conditionNextFlip({ event: 'page_view', within: '1d', count } as Condition, state, now);
    assert.equal(flip({ gte: 3 }), T0 + 20 + DAY);
    assert.equal(flip({ eq: 2 }), T0 + 20 + DAY);
    assert.equal(flip({ lt: 2 }), T0 + 30 + DAY);
    assert.equal(flip({ lte: 0 }), T0 + 40 + DAY);
    assert.equal(flip({ gt: 5 }), Infinity);
  });

  test('conditions without time windows never flip by time', () => {
    assert.equal(conditionNextFlip({ attr: 'age', gt: 1 } as Condition, attrs, T0), Infinity);
  });
});

describe('conditions that skipped validation', () => {
  test('fail to compile with TS_RULE_INVALID', () => {
    assert.throws(
      () => evaluate({ nope: 1 } as unknown as Condition, attrs, T0),
      (error: unknown) => error instanceof RuleRejectedError && error.code === 'TS_RULE_INVALID',
    );
  });
});
