import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { customerStateSerde, holdoutFraction, isHeldOut } from '../../src/rules/index.js';
import { Driver } from './support/driver.js';
import {
  DAY,
  HOUR,
  T0,
  behaviour,
  broadcast,
  claim,
  clock,
  profile,
  remove,
  segment,
  tag,
  trigger,
  upsert,
} from './support/factories.js';

const fired = (driver: Driver) =>
  driver.sortedTouches().map((t) => [t.at, t.trigger, t.customerId]);

describe('trigger ON forms', () => {
  test('an event trigger fires at the event for that customer', () => {
    const driver = new Driver([trigger('care', { event: 'claim.settled' })]).play([
      claim('c1', T0, 'reported'),
      claim('c1', T0 + 5, 'settled'),
    ]);
    assert.deepEqual(fired(driver), [[T0 + 5, 'care', 'c1']]);
  });

  test('a touch caused by a late event happens at now', () => {
    const driver = new Driver([trigger('care', { event: 'claim.settled' })]).play([
      clock(T0 + DAY),
      claim('c1', T0, 'settled'),
    ]);
    assert.deepEqual(fired(driver), [[T0 + DAY, 'care', 'c1']]);
  });

  test('a behaviour trigger with an action fires only for that action', () => {
    const driver = new Driver([
      trigger('welcome', { event: 'behaviour', action: 'wechat_follow' }),
    ]).play([behaviour('c1', T0, 'app_open'), behaviour('c1', T0 + 1, 'wechat_follow')]);
    assert.deepEqual(fired(driver), [[T0 + 1, 'welcome', 'c1']]);
  });

  test('a behaviour trigger without an action fires for every behaviour', () => {
    const driver = new Driver([trigger('any', { event: 'behaviour' })]).play([
      behaviour('c1', T0, 'app_open'),
      behaviour('c1', T0 + 1, 'page_view'),
    ]);
    assert.equal(driver.touches.length, 2);
  });

  test('enter and exit triggers fire on the customer transitions', () => {
    const driver = new Driver([
      segment('gold', { tag: 'gold' }),
      trigger('hello', { enter: 'gold' }),
      trigger('bye', { exit: 'gold' }),
    ]).play([tag('c1', T0, 'gold'), tag('c1', T0 + 1, 'gold', true)]);
    assert.deepEqual(fired(driver), [
      [T0, 'hello', 'c1'],
      [T0 + 1, 'bye', 'c1'],
    ]);
  });

  test('time-caused transitions fire enter triggers at the flip instant', () => {
    const driver = new Driver([
      segment('recent', { claim: { status: 'settled', within: '2d' } }),
      trigger('after', { exit: 'recent' }),
    ]).play([claim('c1', T0, 'settled'), clock(T0 + 3 * DAY)]);
    assert.deepEqual(fired(driver), [[T0 + 2 * DAY, 'after', 'c1']]);
  });

  test('backfill transitions fire enter triggers like any other', () => {
    const driver = new Driver([trigger('hello', { enter: 'gold' })]).play([
      tag('c1', T0, 'gold'),
      upsert(T0 + DAY, segment('gold', { tag: 'gold' })),
    ]);
    assert.deepEqual(fired(driver), [[T0 + DAY, 'hello', 'c1']]);
  });

  test('a broadcast with match fires for customers whose attribute equals the prop', () => {
    const driver = new Driver([
      trigger(
        'storm',
        { broadcast: 'weather_alert', match: { attr: 'city', prop: 'city' } },
        {
          touch: {
            channel: 'sms',
            template: 'storm',
            params: { city: '${event.props.city}', level: '${event.props.level}' },
          },
        },
      ),
    ]).play([
      profile('c1', T0, { city: 'Ningbo' }),
      profile('c2', T0, { city: 'Hangzhou' }),
      profile('c3', T0, {}),
      broadcast(T0 + HOUR, 'weather_alert', { city: 'Ningbo', level: 'red' }),
      broadcast(T0 + HOUR, 'other_topic', { city: 'Ningbo' }),
    ]);
    assert.deepEqual(driver.touches, [
      {
        at: T0 + HOUR,
        trigger: 'storm',
        customerId: 'c1',
        channel: 'sms',
        template: 'storm',
        params: { city: 'Ningbo', level: 'red' },
        heldOut: false,
      },
    ]);
  });

  test('a broadcast match compares with eq typing', () => {
    const driver = new Driver([
      trigger('zone', { broadcast: 'alert', match: { attr: 'zone', prop: 'zone' } }),
    ]).play([
      profile('c1', T0, { zone: 5 }),
      profile('c2', T0, { zone: '5' }),
      broadcast(T0 + 1, 'alert', { zone: 5 }),
    ]);
    assert.deepEqual(fired(driver), [[T0 + 1, 'zone', 'c1']]);
  });

  test('a broadcast without match fires for every known customer', () => {
    const driver = new Driver([trigger('all', { broadcast: 'news' })]).play([
      profile('c1', T0, {}),
      profile('c2', T0, {}),
      broadcast(T0 + 1, 'news', {}),
    ]);
    assert.deepEqual(fired(driver), [
      [T0 + 1, 'all', 'c1'],
      [T0 + 1, 'all', 'c2'],
    ]);
  });
});

describe('if and delay', () => {
  test('if is evaluated on the state after the instant record', () => {
    const driver = new Driver([
      trigger('big', { event: 'customer.profile' }, { if: { attr: 'premium', gte: 100 } }),
    ]).play([profile('c1', T0, { premium: 50 }), profile('c1', T0 + 1, { premium: 150 })]);
    assert.deepEqual(fired(driver), [[T0 + 1, 'big', 'c1']]);
  });

  test('a delayed trigger fires at t + delay when if holds then', () => {
    const driver = new Driver([
      trigger(
        'care',
        { event: 'claim.settled' },
        { delay: '2d', if: { claim: { status: 'settled' } } },
      ),
    ]).play([claim('c1', T0, 'settled'), clock(T0 + 3 * DAY)]);
    assert.deepEqual(fired(driver), [[T0 + 2 * DAY, 'care', 'c1']]);
  });

  test('a delayed trigger does not fire when if fails at the due time', () => {
    const driver = new Driver([
      trigger('nudge', { event: 'tag.added' }, { delay: '1h', if: { tag: 'lead' } }),
    ]).play([tag('c1', T0, 'lead'), tag('c1', T0 + 10, 'lead', true), clock(T0 + DAY)]);
    assert.deepEqual(fired(driver), []);
  });

  test('a delayed firing due after the last input is not written', () => {
    const driver = new Driver([trigger('later', { event: 'tag.added' }, { delay: '1d' })]).play([
      tag('c1', T0, 'x'),
      clock(T0 + DAY - 1),
    ]);
    assert.deepEqual(fired(driver), []);
    assert.equal(driver.state('c1').pending.length, 1);
  });

  test('a delayed firing due at a record ts checks if on the state after that record', () => {
    const rule = trigger(
      'later',
      { event: 'tag.added' },
      { delay: '1d', if: { not: { tag: 'stop' } } },
    );
    const stopped = new Driver([rule]).play([tag('c1', T0, 'x'), tag('c1', T0 + DAY, 'stop')]);
    assert.deepEqual(fired(stopped), []);
    const other = new Driver([rule]).play([tag('c1', T0, 'x'), tag('c1', T0 + DAY, 'other')]);
    assert.deepEqual(fired(other), [[T0 + DAY, 'later', 'c1']]);
  });

  test('an exit trigger of a time flip at a record ts fires after that record, with if on the state after it', () => {
    const rules = [
      segment('recent', { claim: { status: 'settled', within: '2d' } }),
      trigger('after', { exit: 'recent' }, { if: { not: { tag: 'optout' } } }),
    ];
    const driver = new Driver(rules).play([
      claim('c1', T0, 'settled'),
      tag('c1', T0 + 2 * DAY, 'optout'),
    ]);
    assert.deepEqual(
      driver.sortedTransitions().map((t) => [t.at, t.change]),
      [
        [T0, 'enter'],
        [T0 + 2 * DAY, 'exit'],
      ],
    );
    assert.deepEqual(fired(driver), []);
  });

  test('a delayed firing due at the instant its trigger is deleted is dropped', () => {
    const driver = new Driver([trigger('care', { event: 'claim.settled' }, { delay: '2d' })]).play([
      claim('c1', T0, 'settled'),
      remove(T0 + 2 * DAY, 'care'),
    ]);
    assert.deepEqual(fired(driver), []);
  });

  test('a pending delayed firing survives a replace and follows the trigger as it is at firing time', () => {
    const v1 = trigger('care', { event: 'claim.settled' }, { delay: '2d' });
    const v2 = { ...v1, touch: { channel: 'wechat', template: 'care-v2' } };
    const driver = new Driver([v1]).play([
      claim('c1', T0, 'settled'),
      upsert(T0 + DAY, v2),
      clock(T0 + 5 * DAY),
    ]);
    assert.deepEqual(
      driver.touches.map((t) => [t.at, t.channel, t.template]),
      [[T0 + 2 * DAY, 'wechat', 'care-v2']],
    );
  });

  test('a pending delayed firing is dropped when its trigger is deleted', () => {
    const driver = new Driver([trigger('care', { event: 'claim.settled' }, { delay: '2d' })]).play([
      claim('c1', T0, 'settled'),
      remove(T0 + DAY, 'care'),
      upsert(T0 + DAY + 1, trigger('care', { event: 'claim.settled' })),
      clock(T0 + 5 * DAY),
    ]);
    assert.deepEqual(fired(driver), []);
  });

  test('a pending delayed firing survives a restart through the state serde', () => {
    const driver = new Driver([trigger('care', { event: 'claim.settled' }, { delay: '2d' })]).play([
      claim('c1', T0, 'settled'),
    ]);
    const restored = customerStateSerde.deserialize(
      customerStateSerde.serialize(driver.state('c1')),
    );
    driver.customers.set('c1', restored);
    driver.play([clock(T0 + 2 * DAY)]);
    assert.deepEqual(fired(driver), [[T0 + 2 * DAY, 'care', 'c1']]);
  });
});

describe('caps', () => {
  const capped = trigger(
    'promo',
    { event: 'behaviour', action: 'page_view' },
    { cap: { max: 2, per: '1d' } },
  );

  test('a firing is capped when max firings are already written in (t - D, t]', () => {
    const driver = new Driver([capped]).play([
      behaviour('c1', T0, 'page_view'),
      behaviour('c1', T0 + 1, 'page_view'),
      behaviour('c1', T0 + DAY - 1, 'page_view'),
      behaviour('c1', T0 + DAY, 'page_view'),
      behaviour('c1', T0 + DAY + 1, 'page_view'),
      behaviour('c1', T0 + DAY + 2, 'page_view'),
    ]);
    assert.deepEqual(
      fired(driver).map((r) => r[0]),
      [T0, T0 + 1, T0 + DAY, T0 + DAY + 1],
    );
  });

  test('caps count per customer', () => {
    const driver = new Driver([{ ...capped, cap: { max: 1, per: '1d' } }]).play([
      behaviour('c1', T0, 'page_view'),
      behaviour('c2', T0, 'page_view'),
      behaviour('c1', T0 + 1, 'page_view'),
    ]);
    assert.deepEqual(fired(driver), [
      [T0, 'promo', 'c1'],
      [T0, 'promo', 'c2'],
    ]);
  });

  test('held-out firings count for the cap', () => {
    const driver = new Driver([{ ...capped, cap: { max: 1, per: '1d' }, holdout: 1 }]).play([
      behaviour('c1', T0, 'page_view'),
      behaviour('c1', T0 + 1, 'page_view'),
    ]);
    assert.deepEqual(
      driver.touches.map((t) => [t.at, t.heldOut]),
      [[T0, true]],
    );
  });

  test('firings whose if fails do not count for the cap', () => {
    const driver = new Driver([{ ...capped, cap: { max: 1, per: '1d' }, if: { tag: 'ok' } }]).play([
      behaviour('c1', T0, 'page_view'),
      tag('c1', T0 + 1, 'ok'),
      behaviour('c1', T0 + 2, 'page_view'),
    ]);
    assert.deepEqual(fired(driver), [[T0 + 2, 'promo', 'c1']]);
  });
});

describe('holdout', () => {
  const expected = (triggerId: string, customerId: string): number =>
    parseInt(
      createHash('sha256').update(`${triggerId}:${customerId}`).digest('hex').slice(0, 8),
      16,
    ) /
    2 ** 32;

  test('the fraction is the first 8 hex digits of sha256(trigger:customer) over 2^32', () => {
    for (const customerId of ['c1', 'c2', '客户-3', '']) {
      assert.equal(holdoutFraction('campaign', customerId), expected('campaign', customerId));
    }
  });

  test('a customer is held out when the fraction is below h, and the touch is still written', () => {
    const customers = Array.from({ length: 40 }, (_, i) => `c${i}`);
    const driver = new Driver([
      trigger('campaign', { event: 'tag.added' }, { holdout: 0.25 }),
    ]).play(customers.map((c) => tag(c, T0, 'x')));
    assert.equal(driver.touches.length, 40);
    for (const touch of driver.touches) {
      assert.equal(touch.heldOut, expected('campaign', touch.customerId) < 0.25, touch.customerId);
    }
    assert.ok(driver.touches.some((t) => t.heldOut) && driver.touches.some((t) => !t.heldOut));
  });

  test('a holdout of 0 holds no one out and 1 holds everyone out', () => {
    assert.equal(isHeldOut('t', 'c1', 0), false);
    assert.equal(isHeldOut('t', 'c1', 1), true);
  });
});

describe('touch params', () => {
  test('attr and event references render, absent ones as empty strings, other values as they are', () => {
    const driver = new Driver([
      trigger(
        'care',
        { event: 'claim.settled' },
        {
          touch: {
            channel: 'wechat',
            template: 'claim_care',
            params: {
              greeting:
                'Dear ${attr.name}, claim ${event.claimId} (${event.amount}) ${attr.missing}${event.nope.deeper}!',
              ts: '${event.ts}',
              count: 3,
              flags: { a: ['${attr.name}'] },
            },
          },
        },
      ),
    ]).play([
      profile('c1', T0, { name: 'Li' }),
      claim('c1', T0 + 1, 'settled', { claimId: 'K9', amount: 1200.5 }),
    ]);
    assert.deepEqual(driver.touches[0].params, {
      greeting: 'Dear Li, claim K9 (1200.5) !',
      ts: String(T0 + 1),
      count: 3,
      flags: { a: ['${attr.name}'] },
    });
  });

  test('enter triggers read the transition record as their event', () => {
    const driver = new Driver([
      segment('gold', { tag: 'gold' }),
      trigger(
        'hello',
        { enter: 'gold' },
        {
          touch: {
            channel: 'push',
            template: 't',
            params: { s: '${event.segment}:${event.change}' },
          },
        },
      ),
    ]).play([tag('c1', T0, 'gold')]);
    assert.deepEqual(driver.touches[0].params, { s: 'gold:enter' });
  });

  test('a touch without params has empty params', () => {
    const driver = new Driver([trigger('t', { event: 'tag.added' })]).play([tag('c1', T0, 'x')]);
    assert.deepEqual(driver.touches[0], {
      at: T0,
      trigger: 't',
      customerId: 'c1',
      channel: 'push',
      template: 'tpl-t',
      params: {},
      heldOut: false,
    });
  });
});
