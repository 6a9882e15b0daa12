import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CustomerStateDecodeError, customerStateSerde } from '../../src/rules/index.js';
import { Driver } from './support/driver.js';
import { DAY, T0, behaviour, claim, policy, profile, tag, trigger } from './support/factories.js';

function sample(order: 'ab' | 'ba') {
  const events = [
    profile('c1', T0, order === 'ab' ? { a: 1, b: 'x' } : { b: 'x', a: 1 }),
    tag('c1', T0, order === 'ab' ? 'gold' : 'auto'),
    tag('c1', T0, order === 'ab' ? 'auto' : 'gold'),
    policy('c1', T0, { attrs: order === 'ab' ? { plate: 'A1', age: 3 } : { age: 3, plate: 'A1' } }),
    claim('c1', T0, 'settled', { amount: 10, id: 'k1' }),
    behaviour('c1', T0, 'app_open'),
    behaviour('c1', T0 + 1000, 'app_open'),
  ];
  return new Driver([
    trigger('later', { event: 'claim.settled' }, { delay: '1d', cap: { max: 1, per: '1d' } }),
  ]).play(events);
}

describe('customer state serde', () => {
  test('round-trips every part of the state', () => {
    const state = sample('ab').state('c1');
    state.segments.add('vip');
    state.firings.set('t', [T0, T0 + DAY]);
    const copy = customerStateSerde.deserialize(customerStateSerde.serialize(state));
    assert.deepEqual(copy, state);
  });

  test('restores the iteration order of every map and set, so a restored state behaves as the live one', () => {
    for (const order of ['ab', 'ba'] as const) {
      const state = sample(order).state('c1');
      const copy = customerStateSerde.deserialize(customerStateSerde.serialize(state));
      assert.deepEqual([...copy.attrs.keys()], [...state.attrs.keys()]);
      assert.deepEqual([...copy.tags], [...state.tags]);
      const policyId = [...state.policies.keys()][0];
      assert.deepEqual(
        [...copy.policies.get(policyId)!.attrs.keys()],
        [...state.policies.get(policyId)!.attrs.keys()],
      );
    }
  });

  test('writes the same bytes for a state and its restored copy', () => {
    const bytes = customerStateSerde.serialize(sample('ab').state('c1'));
    const again = customerStateSerde.serialize(customerStateSerde.deserialize(bytes));
    assert.deepEqual(Buffer.from(again), Buffer.from(bytes));
  });

  test('keeps numbers of every kind: negative, fractional, beyond 2^32, and a never-evaluated state', () => {
    const state = sample('ab').state('c1');
    state.attrs.set('balance', -1234.5);
    state.attrs.set('score', -7);
    state.attrs.set('big', 2 ** 52 + 1);
    state.attrs.set('nested', 'x'.repeat(300));
    const copy = customerStateSerde.deserialize(customerStateSerde.serialize(state));
    assert.deepEqual(copy, state);
    const fresh = customerStateSerde.deserialize(
      customerStateSerde.serialize({ ...state, evaluatedAt: -Infinity }),
    );
    assert.equal(fresh.evaluatedAt, -Infinity);
  });

  test('reads states written in the earlier JSON layout', () => {
    const legacy = JSON.stringify([
      1,
      'c9',
      T0,
      ['city', 'Wenzhou', 'level', 3],
      ['vip'],
      [['p1', 'auto', T0, T0 + DAY, 500, 0, ['plate', 'A1']]],
      [['k1', 'settled', T0, 10]],
      [['app_open', T0, 1000, 1000]],
      ['s1'],
      [['t1', T0 + DAY, T0, { type: 'claim.settled' }]],
      [['t1', T0, DAY]],
    ]);
    const state = customerStateSerde.deserialize(new TextEncoder().encode(legacy));
    assert.equal(state.customerId, 'c9');
    assert.equal(state.attrs.get('city'), 'Wenzhou');
    assert.equal(state.policies.get('p1')?.attrs.get('plate'), 'A1');
    assert.deepEqual(state.behaviour.get('app_open'), [T0, T0 + 1000, T0 + 2000]);
    assert.deepEqual(state.firings.get('t1'), [T0, T0 + DAY]);
    assert.equal(state.pending[0].due, T0 + DAY);
  });

  test('rejects bytes it did not write', () => {
    assert.throws(
      () => customerStateSerde.deserialize(new TextEncoder().encode('{"x":1}')),
      CustomerStateDecodeError,
    );
    assert.throws(
      () => customerStateSerde.deserialize(new Uint8Array([0xff, 0xfe])),
      CustomerStateDecodeError,
    );
    const bytes = customerStateSerde.serialize(sample('ab').state('c1'));
    assert.throws(
      () => customerStateSerde.deserialize(bytes.subarray(0, bytes.length - 3)),
      CustomerStateDecodeError,
    );
  });
});
