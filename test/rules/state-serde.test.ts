import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CustomerStateDecodeError, customerStateSerde } from '../../src/rules/index.js';
import type { CustomerState } from '../../src/rules/index.js';
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

/** Every part of a state as plain data, whichever sections were decoded. */
function plain(state: CustomerState) {
  return {
    customerId: state.customerId,
    evaluatedAt: state.evaluatedAt,
    wake: state.wake,
    attrs: [...state.attrs],
    tags: [...state.tags],
    policies: [...state.policies].map(([id, policy]) => [
      id,
      { ...policy, attrs: [...policy.attrs] },
    ]),
    claims: [...state.claims],
    behaviour: [...state.behaviour],
    segments: [...state.segments],
    pending: state.pending,
    firings: [...state.firings],
  };
}

/** Where each section of the current layout starts, for a state whose lengths take one byte each. */
function sectionStarts(bytes: Uint8Array): number[] {
  const lengths = [...bytes.subarray(1, 9)];
  assert.ok(lengths.every((length) => length < 0x80));
  let at = bytes.length - lengths.reduce((sum, length) => sum + length, 0);
  return lengths.map((length) => {
    const start = at;
    at += length;
    return start;
  });
}

/** 0xC3 bytes (no section lengths), as written before 0xC4, of sample('ab') without tag auto, with segment vip and firings t. */
const WITHOUT_LENGTHS =
  'wwJjMQPo1+q2tzMKAgFhAwEBYgYBeAEEZ29sZAECcDEEYXV0bwOA0Oq2tzMDgKiv9Kw0A+gHAAIFcGxhdGUGAkExA2FnZQMDAQJj' +
  'MQIDgNDqtrczAwoBCGFwcF9vcGVuAgADgNDqtrcz6AcBA3ZpcAEFbGF0ZXIDgIiE4LczA4DQ6ra3MwgGBHR5cGUGDWNsYWltLnNl' +
  'dHRsZWQCaWQGAmsxAnRzA4DQ6ra3MwpjdXN0b21lcklkBgJjMQdjbGFpbUlkBgJjMQZhbW91bnQDCgEBdAIAA4DQ6ra3M4C4mSk=';

describe('customer state serde', () => {
  test('round-trips every part of the state', () => {
    const state = sample('ab').state('c1');
    state.segments.add('vip');
    state.firings.set('t', [T0, T0 + DAY]);
    const copy = customerStateSerde.deserialize(customerStateSerde.serialize(state));
    assert.deepEqual(plain(copy), plain(state));
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
    assert.deepEqual(plain(copy), plain(state));
    state.evaluatedAt = -Infinity;
    const fresh = customerStateSerde.deserialize(customerStateSerde.serialize(state));
    assert.equal(fresh.evaluatedAt, -Infinity);
  });

  test('a restored state decodes only the sections it uses, and writes the others back as they were', () => {
    const state = sample('ab').state('c1');
    state.segments.add('vip');
    const bytes = customerStateSerde.serialize(state);
    const copy = customerStateSerde.deserialize(bytes);
    copy.attrs.set('a', 2);
    copy.segments.delete('vip');
    const again = customerStateSerde.deserialize(customerStateSerde.serialize(copy));
    state.attrs.set('a', 2);
    state.segments.delete('vip');
    assert.deepEqual(plain(again), plain(state));
    // A section replaced whole (as a rule change replaces the pending firings) is written too.
    const replaced = customerStateSerde.deserialize(bytes);
    replaced.pending = [];
    assert.deepEqual(
      customerStateSerde.deserialize(customerStateSerde.serialize(replaced)).pending,
      [],
    );
  });

  test('a section only read through its view is written back as the bytes it came from', () => {
    const bytes = customerStateSerde.serialize(sample('ab').state('c1'));
    const copy = customerStateSerde.deserialize(bytes);
    assert.equal(copy.attrsView.get('a'), 1);
    assert.ok(copy.tagsView.has('gold'));
    // A change behind the view's back is not seen by the encode: the view promised none.
    (copy.attrsView as Map<string, unknown>).set('a', 99);
    const again = customerStateSerde.serialize(copy);
    assert.deepEqual(Buffer.from(again), Buffer.from(bytes));
    // Through the changing accessor, the same edit is written.
    copy.attrs.set('a', 99);
    assert.equal(
      customerStateSerde.deserialize(customerStateSerde.serialize(copy)).attrsView.get('a'),
      99,
    );
  });

  test('reads the earlier binary layout without section lengths, and rewrites it in the current one', () => {
    const state = customerStateSerde.deserialize(Buffer.from(WITHOUT_LENGTHS, 'base64'));
    const expected = sample('ab').state('c1');
    expected.tags.delete('auto');
    expected.segments.add('vip');
    expected.firings.set('t', [T0, T0 + DAY]);
    assert.deepEqual(plain(state), plain(expected));
    const rewritten = customerStateSerde.serialize(state);
    assert.equal(rewritten[0], 0xc4);
    assert.deepEqual(plain(customerStateSerde.deserialize(rewritten)), plain(expected));
  });

  test('names the section and the customer when a section is damaged, and still reads the others', () => {
    const bytes = Buffer.from(customerStateSerde.serialize(sample('ab').state('c1')));
    const tagsStart = sectionStarts(bytes)[1];
    assert.equal(bytes[tagsStart], 2, 'the tags section starts with its count');
    bytes[tagsStart] = 0x7f;
    const state = customerStateSerde.deserialize(bytes);
    assert.equal(state.attrs.get('a'), 1);
    assert.throws(
      () => state.tags,
      (error: unknown) =>
        error instanceof CustomerStateDecodeError &&
        error.code === 'TS_RULE_STATE_DECODE' &&
        /the tags of customer "c1"/.test(error.message),
    );
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
    const longer = Buffer.concat([bytes, Buffer.from([0])]);
    assert.throws(() => customerStateSerde.deserialize(longer), /add up to/);
    const old = Buffer.from(WITHOUT_LENGTHS, 'base64');
    assert.throws(
      () => customerStateSerde.deserialize(old.subarray(0, old.length - 3)),
      CustomerStateDecodeError,
    );
  });
});
