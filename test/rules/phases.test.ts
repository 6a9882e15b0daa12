import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customerStateSerde } from '../../src/rules/index.js';
import { Driver } from './support/driver.js';
import {
  DAY,
  T0,
  behaviour,
  broadcast,
  claim,
  clock,
  policy,
  profile,
  remove,
  segment,
  tag,
  trigger,
  upsert,
} from './support/factories.js';

const rows = (driver: Driver) =>
  driver.sortedTransitions().map((t) => [t.at, t.segment, t.customerId, t.change]);

describe('time (contract section 2)', () => {
  const end = T0 + 100 * DAY;
  const expiring = segment('expiring', { policy: { expiresWithin: '30d' } });

  test('a time-caused flip is emitted at the exact millisecond the condition flips', () => {
    const driver = new Driver([expiring]).play([
      policy('c1', T0, { endDate: end }),
      clock(end + 5 * DAY),
    ]);
    assert.deepEqual(rows(driver), [
      [end - 30 * DAY, 'expiring', 'c1', 'enter'],
      [end, 'expiring', 'c1', 'exit'],
    ]);
  });

  test('a flip is emitted only once now reaches it', () => {
    const driver = new Driver([expiring]).play([
      policy('c1', T0, { endDate: end }),
      clock(end - 30 * DAY - 1),
    ]);
    assert.deepEqual(rows(driver), []);
    driver.play([clock(end - 30 * DAY)]);
    assert.deepEqual(rows(driver), [[end - 30 * DAY, 'expiring', 'c1', 'enter']]);
  });

  test('flips at the record time are evaluated on the state before that record', () => {
    const lapsed = segment('lapsed', { policy: { expiredWithin: '30d' } });
    const driver = new Driver([lapsed]).play([
      policy('c1', T0, { endDate: end }),
      { ...policy('c1', end, { endDate: end + 365 * DAY }), type: 'policy.renewed' },
    ]);
    assert.deepEqual(rows(driver), [
      [end, 'lapsed', 'c1', 'enter'],
      [end, 'lapsed', 'c1', 'exit'],
    ]);
  });

  test('a record caused transition happens at the record ts', () => {
    const driver = new Driver([segment('gold', { tag: 'gold' })]).play([tag('c1', T0 + 7, 'gold')]);
    assert.deepEqual(rows(driver), [[T0 + 7, 'gold', 'c1', 'enter']]);
  });

  test('a late record takes effect at now, with its own ts kept as data', () => {
    const recent = segment('recent-claim', { claim: { status: 'settled', within: '2d' } });
    const driver = new Driver([recent]).play([
      clock(T0 + 10 * DAY),
      claim('c1', T0 + 9 * DAY, 'settled'),
      clock(T0 + 20 * DAY),
    ]);
    assert.deepEqual(rows(driver), [
      [T0 + 10 * DAY, 'recent-claim', 'c1', 'enter'],
      [T0 + 11 * DAY, 'recent-claim', 'c1', 'exit'],
    ]);
  });

  test('a late behaviour event outside the window changes nothing', () => {
    const active = segment('active', { event: 'app_open', within: '1d' });
    const driver = new Driver([active]).play([
      clock(T0 + 10 * DAY),
      behaviour('c1', T0 + 9 * DAY, 'app_open'),
    ]);
    assert.deepEqual(rows(driver), []);
  });

  test('records with the same ts take effect in input order', () => {
    const gold = segment('gold', { tag: 'gold' });
    const driver = new Driver([gold]).play([
      tag('c1', T0, 'gold'),
      tag('c1', T0, 'gold', true),
      tag('c1', T0, 'gold'),
    ]);
    assert.deepEqual(
      driver.transitions.map((t) => t.change),
      ['enter', 'exit', 'enter'],
    );
  });

  test('an event window segment is left at ts + D exactly', () => {
    const active = segment('active', { event: 'app_open', within: '30d' });
    const driver = new Driver([active]).play([
      behaviour('c1', T0, 'app_open'),
      behaviour('c1', T0 + DAY, 'app_open'),
      clock(T0 + 40 * DAY),
    ]);
    assert.deepEqual(rows(driver), [
      [T0, 'active', 'c1', 'enter'],
      [T0 + 31 * DAY, 'active', 'c1', 'exit'],
    ]);
  });

  test('a "no event in D" segment is entered when the last event leaves the window', () => {
    const dormant = segment('dormant', {
      all: [{ tag: 'vip' }, { event: 'app_open', within: '30d', count: { eq: 0 } }],
    });
    const driver = new Driver([dormant]).play([
      tag('c1', T0, 'vip'),
      behaviour('c1', T0 + DAY, 'app_open'),
      clock(T0 + 60 * DAY),
    ]);
    assert.deepEqual(rows(driver), [
      [T0, 'dormant', 'c1', 'enter'],
      [T0 + DAY, 'dormant', 'c1', 'exit'],
      [T0 + 31 * DAY, 'dormant', 'c1', 'enter'],
    ]);
  });

  test('a customer first seen is evaluated against every segment', () => {
    const notGold = segment('not-gold', { not: { tag: 'gold' } });
    const driver = new Driver([notGold]).play([profile('c1', T0, { age: 3 })]);
    assert.deepEqual(rows(driver), [[T0, 'not-gold', 'c1', 'enter']]);
  });
});

describe('segments of segments', () => {
  test('a segment is evaluated after the segments it references, in the same instant', () => {
    const driver = new Driver([
      segment('a-outer', { all: [{ segment: 'z-inner' }, { attr: 'age', gte: 18 }] }),
      segment('z-inner', { tag: 'vip' }),
    ]).play([
      profile('c1', T0, { age: 30 }),
      tag('c1', T0 + 1, 'vip'),
      tag('c1', T0 + 2, 'vip', true),
    ]);
    assert.deepEqual(
      driver.transitions.map((t) => [t.at, t.segment, t.change]),
      [
        [T0 + 1, 'z-inner', 'enter'],
        [T0 + 1, 'a-outer', 'enter'],
        [T0 + 2, 'z-inner', 'exit'],
        [T0 + 2, 'a-outer', 'exit'],
      ],
    );
  });

  test('a segment referencing a time-dependent segment follows its time flips', () => {
    const end = T0 + 100 * DAY;
    const driver = new Driver([
      segment('expiring', { policy: { expiresWithin: '30d' } }),
      segment('expiring-vip', { all: [{ segment: 'expiring' }, { tag: 'vip' }] }),
    ]).play([tag('c1', T0, 'vip'), policy('c1', T0, { endDate: end }), clock(end)]);
    assert.deepEqual(rows(driver), [
      [end - 30 * DAY, 'expiring', 'c1', 'enter'],
      [end - 30 * DAY, 'expiring-vip', 'c1', 'enter'],
      [end, 'expiring', 'c1', 'exit'],
      [end, 'expiring-vip', 'c1', 'exit'],
    ]);
  });
});

describe('rule changes (contract section 4)', () => {
  test('an added segment is backfilled for every known customer at the upsert ts', () => {
    const driver = new Driver().play([
      tag('c1', T0, 'vip'),
      tag('c2', T0, 'basic'),
      upsert(T0 + DAY, segment('vip', { tag: 'vip' })),
    ]);
    assert.deepEqual(rows(driver), [[T0 + DAY, 'vip', 'c1', 'enter']]);
  });

  test('a replaced segment emits only the differences', () => {
    const driver = new Driver([segment('s', { tag: 'a' })]).play([
      tag('c1', T0, 'a'),
      tag('c2', T0, 'a'),
      tag('c2', T0, 'b'),
      tag('c3', T0, 'b'),
      upsert(T0 + DAY, segment('s', { tag: 'b' })),
    ]);
    assert.deepEqual(
      rows(driver).filter((r) => r[0] === T0 + DAY),
      [
        [T0 + DAY, 's', 'c1', 'exit'],
        [T0 + DAY, 's', 'c3', 'enter'],
      ],
    );
  });

  test('a deleted segment ends its memberships silently, with no exit trigger', () => {
    const driver = new Driver([segment('s', { tag: 'a' }), trigger('bye', { exit: 's' })]).play([
      tag('c1', T0, 'a'),
      remove(T0 + DAY, 's'),
      tag('c1', T0 + 2 * DAY, 'a', true),
    ]);
    assert.deepEqual(rows(driver), [[T0, 's', 'c1', 'enter']]);
    assert.deepEqual(driver.touches, []);
    assert.equal(driver.state('c1').segments.has('s'), false);
  });

  test('segments referencing a deleted segment are evaluated again at the delete', () => {
    const driver = new Driver([
      segment('inner', { tag: 'a' }),
      segment('outer', { segment: 'inner' }),
    ]).play([tag('c1', T0, 'a'), remove(T0 + DAY, 'inner')]);
    assert.deepEqual(rows(driver), [
      [T0, 'inner', 'c1', 'enter'],
      [T0, 'outer', 'c1', 'enter'],
      [T0 + DAY, 'outer', 'c1', 'exit'],
    ]);
  });

  test('a segment added later is picked up by segments that referenced it before it existed', () => {
    const driver = new Driver([segment('outer', { segment: 'inner' })]).play([
      tag('c1', T0, 'a'),
      upsert(T0 + DAY, segment('inner', { tag: 'a' })),
    ]);
    assert.deepEqual(rows(driver), [
      [T0 + DAY, 'inner', 'c1', 'enter'],
      [T0 + DAY, 'outer', 'c1', 'enter'],
    ]);
  });

  test('a rejected rule upsert goes to the dead letters and the rules stay as they were', () => {
    const driver = new Driver([segment('s', { tag: 'a' })]).play([
      upsert(T0, segment('s', { attr: 'x' })),
      tag('c1', T0 + 1, 'a'),
    ]);
    assert.deepEqual(driver.deadLetters, [
      {
        line: 1,
        reason:
          'rule.upsert: rule rejected at $.when: must have exactly one operator (eq, ne, in, nin, gt, gte, lt, lte) or exists',
      },
    ]);
    assert.deepEqual(rows(driver), [[T0 + 1, 's', 'c1', 'enter']]);
  });

  test('a time-dependent segment added later schedules its flips from the backfill on', () => {
    const end = T0 + 100 * DAY;
    const driver = new Driver().play([
      policy('c1', T0, { endDate: end }),
      upsert(end - 10 * DAY, segment('expiring', { policy: { expiresWithin: '30d' } })),
      clock(end),
    ]);
    assert.deepEqual(rows(driver), [
      [end - 10 * DAY, 'expiring', 'c1', 'enter'],
      [end, 'expiring', 'c1', 'exit'],
    ]);
  });
});

describe('events that change no customer (contract section 1)', () => {
  test('a clock event only advances time', () => {
    const driver = new Driver([segment('recent', { claim: { within: '1d' } })]).play([
      claim('c1', T0, 'reported'),
      clock(T0 + DAY),
    ]);
    assert.deepEqual(rows(driver), [
      [T0, 'recent', 'c1', 'enter'],
      [T0 + DAY, 'recent', 'c1', 'exit'],
    ]);
    assert.deepEqual([...driver.customers.keys()], ['c1']);
  });

  test('a broadcast changes no customer state', () => {
    const driver = new Driver([segment('gold', { tag: 'gold' })]).play([tag('c1', T0, 'gold')]);
    const before = customerStateSerde.serialize(driver.state('c1'));
    driver.play([broadcast(T0, 'weather_alert', { city: 'x', tag: 'gold' })]);
    assert.deepEqual(customerStateSerde.serialize(driver.state('c1')), before);
  });

  test('a rule takes effect from its upsert ts on', () => {
    const driver = new Driver().play([
      tag('c1', T0, 'a'),
      upsert(T0 + 5, trigger('t', { event: 'tag.added' })),
      tag('c1', T0 + 6, 'b'),
    ]);
    assert.deepEqual(
      driver.touches.map((t) => t.at),
      [T0 + 6],
    );
  });
});

describe('dead letters (contract section 1)', () => {
  test('invalid records are dead-lettered with a reason and processing goes on', () => {
    const driver = new Driver([segment('gold', { tag: 'gold' })]).play([
      '{not json',
      { type: 'tag.added', id: 'e', ts: T0, tag: 'gold' },
      { type: 'unheard.of', id: 'e', ts: T0 },
      { ...policy('c1', T0), endDate: '2026-01-01' },
      tag('c1', T0, 'gold'),
    ]);
    assert.deepEqual(
      driver.deadLetters.map((d) => [d.line, d.reason.split(':')[0]]),
      [
        [1, 'not valid JSON'],
        [2, 'tag.added'],
        [3, 'event'],
        [4, 'policy.issued'],
      ],
    );
    assert.equal(
      driver.deadLetters[3].reason,
      'policy.issued: endDate must be an integer (epoch ms)',
    );
    assert.deepEqual(rows(driver), [[T0, 'gold', 'c1', 'enter']]);
  });
});
