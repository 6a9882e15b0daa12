import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseEvent, validateEvent } from '../../src/rules/index.js';
import {
  T0,
  behaviour,
  broadcast,
  claim,
  clock,
  policy,
  profile,
  remove,
  tag,
  upsert,
} from './support/factories.js';

const reason = (json: unknown): string => {
  const result = validateEvent(json);
  assert.equal(result.ok, false, 'expected the event to be rejected');
  return (result as { reason: string }).reason;
};

describe('valid events (contract section 1)', () => {
  const valid: [string, object][] = [
    ['customer.profile', profile('c1', T0, { city: 'Ningbo', age: 3, vip: true, gone: null })],
    ['tag.added', tag('c1', T0, 'gold')],
    ['tag.removed', tag('c1', T0, 'gold', true)],
    ['policy.issued', policy('c1', T0, { attrs: { vehicleAge: 3, nested: { a: 1 } } })],
    ['policy.renewed', { ...policy('c1', T0), type: 'policy.renewed' }],
    [
      'policy.cancelled',
      { type: 'policy.cancelled', id: 'e', ts: T0, customerId: 'c1', policyId: 'p1' },
    ],
    ['claim.reported with an amount', claim('c1', T0, 'reported', { amount: 10 })],
    ['claim.assessed', claim('c1', T0, 'assessed')],
    ['claim.settled', claim('c1', T0, 'settled')],
    ['claim.rejected', claim('c1', T0, 'rejected')],
    ['behaviour with props', behaviour('c1', T0, 'page_view', { url: '/a' })],
    ['broadcast', broadcast(T0, 'weather_alert', { city: 'Ningbo' })],
    ['clock', clock(T0)],
    ['rule.upsert', upsert(T0, { anything: 'checked later' })],
    ['rule.delete', remove(T0, 'r1')],
    ['an event with fields the contract does not name', { ...tag('c1', T0, 'x'), source: 'crm' }],
  ];
  for (const [name, json] of valid) {
    test(`accepts ${name}`, () => {
      const result = validateEvent(json);
      assert.equal(result.ok, true, JSON.stringify(result));
    });
  }
});

describe('rejected events name the field and the problem', () => {
  const cases: [string, unknown, string][] = [
    ['a non-object', [1, 2], 'event: must be a JSON object'],
    ['a missing type', { id: 'e', ts: T0 }, 'event: type is missing'],
    [
      'an unknown type',
      { type: 'policy.expired', id: 'e', ts: T0 },
      'event: unknown type "policy.expired"',
    ],
    ['a missing id', { type: 'clock', ts: T0 }, 'clock: id is missing'],
    [
      'a ts that is not an integer',
      { type: 'clock', id: 'e', ts: 1.5 },
      'clock: ts must be an integer (epoch ms)',
    ],
    [
      'a ts given as a string',
      { type: 'clock', id: 'e', ts: '2026-01-01' },
      'clock: ts must be an integer (epoch ms)',
    ],
    [
      'a missing customerId',
      { type: 'tag.added', id: 'e', ts: T0, tag: 'x' },
      'tag.added: customerId is missing',
    ],
    [
      'a numeric customerId',
      { ...tag('c1', T0, 'x'), customerId: 7 },
      'tag.added: customerId must be a string',
    ],
    [
      'an endDate that is not epoch ms',
      { ...policy('c1', T0), endDate: '2027-01-01' },
      'policy.issued: endDate must be an integer (epoch ms)',
    ],
    [
      'a premium that is not a number',
      { ...policy('c1', T0), premium: '100' },
      'policy.issued: premium must be a number',
    ],
    [
      'policy attrs that are not an object',
      { ...policy('c1', T0), attrs: [1] },
      'policy.issued: attrs must be an object',
    ],
    [
      'a cancel without policyId',
      { type: 'policy.cancelled', id: 'e', ts: T0, customerId: 'c1' },
      'policy.cancelled: policyId is missing',
    ],
    [
      'a claim amount that is a string',
      claim('c1', T0, 'settled', { amount: '5' }),
      'claim.settled: amount must be a number',
    ],
    [
      'a claim without claimId',
      { type: 'claim.settled', id: 'e', ts: T0, customerId: 'c1' },
      'claim.settled: claimId is missing',
    ],
    [
      'a profile attribute that is an object',
      profile('c1', T0, { address: { city: 'x' } }),
      'customer.profile: attrs.address must be a string, number, boolean or null',
    ],
    [
      'a profile without attrs',
      { type: 'customer.profile', id: 'e', ts: T0, customerId: 'c1' },
      'customer.profile: attrs is missing',
    ],
    [
      'a behaviour without action',
      { type: 'behaviour', id: 'e', ts: T0, customerId: 'c1' },
      'behaviour: action is missing',
    ],
    [
      'a broadcast without props',
      { type: 'broadcast', id: 'e', ts: T0, topic: 'x' },
      'broadcast: props is missing',
    ],
    [
      'a rule.upsert whose rule is not an object',
      { type: 'rule.upsert', id: 'e', ts: T0, rule: 'x' },
      'rule.upsert: rule must be an object',
    ],
    [
      'a rule.delete without ruleId',
      { type: 'rule.delete', id: 'e', ts: T0 },
      'rule.delete: ruleId is missing',
    ],
  ];
  for (const [name, json, expected] of cases)
    test(`rejects ${name}`, () => assert.equal(reason(json), expected));

  test('rejects a line that is not JSON with the parser reason', () => {
    const result = parseEvent('{"type": ');
    assert.equal(result.ok, false);
    assert.match((result as { reason: string }).reason, /^not valid JSON: /);
  });

  test('parses a valid line', () => {
    assert.equal(parseEvent(JSON.stringify(clock(T0))).ok, true);
  });
});
