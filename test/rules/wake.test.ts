import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileRules, nextFlip, nextWake, type Rule } from '../../src/rules/index.js';
import { Driver } from './support/driver.js';
import { DAY, T0, behaviour, claim, policy, segment, tag, trigger } from './support/factories.js';

describe('next wake', () => {
  const rules = [
    segment('expiring', { policy: { product: 'auto', expiresWithin: '30d' } }),
    segment('recent', { claim: { status: 'settled', within: '2d' } }),
    segment('active', { event: 'app_open', within: '7d' }),
  ];

  test('is the smallest candidate instant after now over every time-dependent leaf', () => {
    const end = T0 + 100 * DAY;
    const driver = new Driver(rules).play([
      policy('c1', T0, { endDate: end }),
      claim('c1', T0 + DAY, 'settled'),
      behaviour('c1', T0 + 2 * DAY, 'app_open'),
    ]);
    const state = driver.state('c1');
    assert.equal(nextFlip(state, T0 + 2 * DAY, driver.ruleSet), T0 + 3 * DAY);
    assert.equal(nextFlip(state, T0 + 3 * DAY, driver.ruleSet), T0 + 9 * DAY);
    assert.equal(nextFlip(state, T0 + 9 * DAY, driver.ruleSet), end - 30 * DAY);
    assert.equal(nextFlip(state, end, driver.ruleSet), Infinity);
  });

  test('ignores policies that cannot match the leaf', () => {
    const driver = new Driver(rules).play([policy('c1', T0, { product: 'home' })]);
    assert.equal(nextFlip(driver.state('c1'), T0, driver.ruleSet), Infinity);
  });

  test('counts pending delayed firings', () => {
    const driver = new Driver([trigger('later', { event: 'tag.added' }, { delay: '3d' })]).play([
      tag('c1', T0, 'x'),
    ]);
    assert.equal(nextWake(driver.state('c1'), T0, driver.ruleSet), T0 + 3 * DAY);
  });

  test('is Infinity when nothing depends on time', () => {
    const set = compileRules([segment('gold', { tag: 'gold' }) as Rule]);
    const driver = new Driver([segment('gold', { tag: 'gold' })]).play([tag('c1', T0, 'gold')]);
    assert.equal(nextWake(driver.state('c1'), T0, set), Infinity);
  });
});
