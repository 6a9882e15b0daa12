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

  test('gives equal bytes for equal states built in different orders', () => {
    const a = customerStateSerde.serialize(sample('ab').state('c1'));
    const b = customerStateSerde.serialize(sample('ba').state('c1'));
    assert.deepEqual(Buffer.from(a).toString(), Buffer.from(b).toString());
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
  });
});
