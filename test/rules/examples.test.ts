import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { validateRule } from '../../src/rules/index.js';
import { Driver } from './support/driver.js';
import {
  DAY,
  HOUR,
  T0,
  behaviour,
  broadcast,
  claim,
  clock,
  policy,
  profile,
  tag,
} from './support/factories.js';

const load = (name: string): unknown[] =>
  JSON.parse(
    readFileSync(new URL(`../../examples/rules/${name}.json`, import.meta.url), 'utf8'),
  ) as unknown[];

const EXAMPLES = [
  'renewal-reminder',
  'claim-care',
  'dormant-vip',
  'weather-alert',
  'holdout-campaign',
];

describe('example rules in examples/rules', () => {
  for (const name of EXAMPLES) {
    test(`${name} is valid`, () => {
      for (const rule of load(name))
        assert.equal(validateRule(rule).ok, true, JSON.stringify(validateRule(rule)));
    });
  }

  test('the renewal reminder goes out 30 days before expiry', () => {
    const end = T0 + 200 * DAY;
    const driver = new Driver(load('renewal-reminder')).play([
      profile('c1', T0, { name: 'Wang' }),
      policy('c1', T0, { endDate: end }),
      clock(end),
    ]);
    assert.deepEqual(
      driver.sortedTouches().map((t) => [t.at, t.channel, t.params]),
      [[end - 30 * DAY, 'sms', { name: 'Wang' }]],
    );
  });

  test('the claim-care message goes out 2 days after settlement', () => {
    const driver = new Driver(load('claim-care')).play([
      profile('c1', T0, { name: 'Li' }),
      claim('c1', T0 + HOUR, 'settled', { claimId: 'K1', amount: 3200 }),
      clock(T0 + 3 * DAY),
    ]);
    assert.deepEqual(
      driver.sortedTouches().map((t) => [t.at, t.template, t.params]),
      [[T0 + HOUR + 2 * DAY, 'claim_care', { name: 'Li', claimId: 'K1', amount: '3200' }]],
    );
  });

  test('a VIP enters the dormant segment 30 days after the last app_open', () => {
    const driver = new Driver(load('dormant-vip')).play([
      behaviour('c1', T0, 'app_open'),
      tag('c1', T0 + 1, 'vip'),
      behaviour('c2', T0, 'app_open'),
      clock(T0 + 40 * DAY),
    ]);
    assert.deepEqual(
      driver.sortedTransitions().map((t) => [t.at, t.customerId, t.change]),
      [[T0 + 30 * DAY, 'c1', 'enter']],
    );
    assert.deepEqual(
      driver.sortedTouches().map((t) => [t.at, t.trigger]),
      [[T0 + 30 * DAY, 'dormant-vip-winback']],
    );
  });

  test('the weather alert reaches insured customers in the alert city only', () => {
    const driver = new Driver(load('weather-alert')).play([
      profile('c1', T0, { city: 'Wenzhou', name: 'Zhao' }),
      policy('c1', T0, { product: 'home' }),
      profile('c2', T0, { city: 'Wenzhou' }),
      profile('c3', T0, { city: 'Suzhou' }),
      policy('c3', T0),
      broadcast(T0 + DAY, 'weather_alert', { city: 'Wenzhou', level: 'orange' }),
    ]);
    assert.deepEqual(
      driver.sortedTouches().map((t) => [t.customerId, t.params]),
      [['c1', { city: 'Wenzhou', level: 'orange', name: 'Zhao' }]],
    );
  });

  test('the campaign holds out the customers whose hash falls below 10%', () => {
    const customers = Array.from({ length: 60 }, (_, i) => `cust-${i}`);
    const driver = new Driver(load('holdout-campaign')).play(customers.map((c) => policy(c, T0)));
    const expected = (c: string) =>
      parseInt(createHash('sha256').update(`home-cross-sell:${c}`).digest('hex').slice(0, 8), 16) /
        2 ** 32 <
      0.1;
    assert.equal(driver.touches.length, 60);
    for (const t of driver.touches) assert.equal(t.heldOut, expected(t.customerId));
    assert.ok(driver.touches.some((t) => t.heldOut));
  });
});
