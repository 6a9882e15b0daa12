import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  applyEvent,
  createCustomerState,
  trimBehaviour,
  validateEvent,
  type CustomerEvent,
  type CustomerState,
} from '../../src/rules/index.js';
import { DAY, T0, behaviour, claim, policy, profile, tag } from './support/factories.js';

function apply(state: CustomerState, json: object) {
  const result = validateEvent(json);
  if (!result.ok) throw new Error(result.reason);
  return applyEvent(state, result.event as CustomerEvent);
}

describe('applying events to a customer (contract section 1)', () => {
  test('customer.profile merges attributes and a null value removes one', () => {
    const state = createCustomerState('c1');
    apply(state, profile('c1', T0, { a: 1, b: 'x' }));
    const change = apply(state, profile('c1', T0, { b: null, c: true, a: 1 }));
    assert.deepEqual(
      [...state.attrs],
      [
        ['a', 1],
        ['c', true],
      ],
    );
    assert.deepEqual(change.attrs, ['b', 'c']);
  });

  test('an attribute named __proto__ is an ordinary attribute', () => {
    const state = createCustomerState('c1');
    apply(
      state,
      JSON.parse(
        JSON.stringify(profile('c1', T0, {})).replace('"attrs":{}', '"attrs":{"__proto__":"x"}'),
      ),
    );
    assert.equal(state.attrs.get('__proto__'), 'x');
  });

  test('tag.added and tag.removed add and remove a tag', () => {
    const state = createCustomerState('c1');
    assert.deepEqual(apply(state, tag('c1', T0, 'gold')).tags, ['gold']);
    assert.deepEqual(apply(state, tag('c1', T0, 'gold')).tags, []);
    assert.deepEqual(apply(state, tag('c1', T0, 'gold', true)).tags, ['gold']);
    assert.equal(state.tags.size, 0);
  });

  test('policy.issued and policy.renewed upsert the policy as active, keeping attrs when the event has none', () => {
    const state = createCustomerState('c1');
    apply(state, policy('c1', T0, { premium: 100, attrs: { plateCity: 'Ningbo', gone: null } }));
    apply(state, {
      type: 'policy.cancelled',
      id: 'x',
      ts: T0 + 1,
      customerId: 'c1',
      policyId: 'p1',
    });
    assert.equal(state.policies.get('p1')?.status, 'cancelled');
    const change = apply(state, {
      ...policy('c1', T0 + 2, { premium: 120, endDate: T0 + 800 * DAY }),
      type: 'policy.renewed',
    });
    const p = state.policies.get('p1');
    assert.equal(change.policies, true);
    assert.deepEqual([p?.status, p?.premium, p?.endDate], ['active', 120, T0 + 800 * DAY]);
    assert.deepEqual([...(p?.attrs ?? [])], [['plateCity', 'Ningbo']]);
    apply(state, policy('c1', T0 + 3, { attrs: { vehicleAge: 2 } }));
    assert.deepEqual([...(state.policies.get('p1')?.attrs ?? [])], [['vehicleAge', 2]]);
  });

  test('policy.cancelled of an unknown policy changes nothing', () => {
    const state = createCustomerState('c1');
    const change = apply(state, {
      type: 'policy.cancelled',
      id: 'x',
      ts: T0,
      customerId: 'c1',
      policyId: 'nope',
    });
    assert.equal(change.policies, false);
    assert.equal(state.policies.size, 0);
  });

  test('claim events upsert the claim with the status after claim. and statusTs from the event ts', () => {
    const state = createCustomerState('c1');
    apply(state, claim('c1', T0, 'reported', { amount: 900 }));
    apply(state, claim('c1', T0 + 5, 'assessed'));
    assert.deepEqual(state.claims.get('c1'), { status: 'assessed', statusTs: T0 + 5, amount: 900 });
    apply(state, claim('c1', T0 + 3, 'settled', { amount: 800 }));
    assert.deepEqual(state.claims.get('c1'), { status: 'settled', statusTs: T0 + 3, amount: 800 });
  });

  test('behaviour appends to the history of its action in time order', () => {
    const state = createCustomerState('c1');
    apply(state, behaviour('c1', T0 + 10, 'app_open'));
    apply(state, behaviour('c1', T0 + 30, 'app_open'));
    const change = apply(state, behaviour('c1', T0 + 20, 'app_open'));
    assert.deepEqual(state.behaviour.get('app_open'), [T0 + 10, T0 + 20, T0 + 30]);
    assert.equal(change.action, 'app_open');
  });

  test('behaviour history is trimmed to the retention', () => {
    const state = createCustomerState('c1');
    apply(state, behaviour('c1', T0, 'app_open'));
    apply(state, behaviour('c1', T0 + DAY, 'app_open'));
    apply(state, behaviour('c1', T0, 'page_view'));
    trimBehaviour(state, T0 + 90 * DAY, 90 * DAY);
    assert.deepEqual([...state.behaviour], [['app_open', [T0 + DAY]]]);
  });
});
