/**
 * Hand-computed cases for the contract's finest points: each first checks the brute-force oracle
 * against the expected lines worked out from the contract text, then the engine against the oracle.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { runOracle } from './brute-force-oracle.js';
import type { JsonObject, OracleLine } from './brute-force-oracle.js';
import { DAY, HOUR, T0 } from './generators.js';
import { check, cleanUp } from './harness.js';

after(cleanUp);

let seq = 0;
const ev = (fields: JsonObject): OracleLine => ({
  text: JSON.stringify({ id: `x${++seq}`, ...fields }),
  kind: 'valid',
});
const profile = (customerId: string, ts: number, attrs: JsonObject) =>
  ev({ type: 'customer.profile', ts, customerId, attrs });
const appOpen = (customerId: string, ts: number) =>
  ev({ type: 'behaviour', ts, customerId, action: 'app_open' });
const clock = (ts: number) => ev({ type: 'clock', ts });
const seg = (at: number, segment: string, customerId: string, change: string) =>
  JSON.stringify({ at, segment, customerId, change });
const touch = (
  at: number,
  trigger: string,
  customerId: string,
  params: JsonObject,
  heldOut = false,
) => JSON.stringify({ at, trigger, customerId, channel: 'push', template: 't', params, heldOut });
const trigger = (
  id: string,
  on: JsonObject,
  extra: JsonObject = {},
  params?: JsonObject,
): JsonObject => ({
  id,
  kind: 'trigger',
  on,
  ...extra,
  touch: { channel: 'push', template: 't', ...(params === undefined ? {} : { params }) },
});

async function agree(
  label: string,
  rules: JsonObject[],
  lines: OracleLine[],
  transitions: string[],
  touches: string[],
) {
  const oracle = runOracle(rules, lines);
  assert.deepEqual(
    [...oracle.transitions].sort(),
    [...transitions].sort(),
    `${label}: oracle transitions`,
  );
  assert.deepEqual([...oracle.touches].sort(), [...touches].sort(), `${label}: oracle touches`);
  await check(label, rules, lines);
}

describe('hand-computed contract cases agree in the oracle and the engine', () => {
  test('a time flip at t is evaluated before the record at t, and `if` sees the state after it', async () => {
    const rules = [
      {
        id: 'dormant',
        kind: 'segment',
        when: { event: 'app_open', within: '1d', count: { eq: 0 } },
      },
      trigger('still-dormant', { enter: 'dormant' }, { if: { segment: 'dormant' } }),
      trigger(
        'any-enter',
        { enter: 'dormant' },
        {},
        { seg: '${event.segment}:${event.change}@${event.at}' },
      ),
    ];
    const flip = T0 + HOUR + DAY;
    await agree(
      'flip and record at one instant',
      rules,
      [profile('c1', T0, { name: 'Wang' }), appOpen('c1', T0 + HOUR), appOpen('c1', flip)],
      [
        seg(T0, 'dormant', 'c1', 'enter'),
        seg(T0 + HOUR, 'dormant', 'c1', 'exit'),
        seg(flip, 'dormant', 'c1', 'enter'),
        seg(flip, 'dormant', 'c1', 'exit'),
      ],
      [
        touch(T0, 'still-dormant', 'c1', {}),
        touch(T0, 'any-enter', 'c1', { seg: `dormant:enter@${T0}` }),
        touch(flip, 'any-enter', 'c1', { seg: `dormant:enter@${flip}` }),
      ],
    );
  });

  test('a delayed firing due at t fires after the first record at t and reads its triggering event', async () => {
    const rules = [
      trigger(
        'later',
        { event: 'tag.added' },
        { delay: '2h', if: { not: { tag: 'do_not_contact' } } },
        { tag: '${event.tag}', name: '${attr.name}' },
      ),
    ];
    const due = T0 + 2 * HOUR;
    await agree(
      'delayed firing at a record instant',
      rules,
      [
        profile('c1', T0, { name: 'Wang' }),
        ev({ type: 'tag.added', ts: T0, customerId: 'c1', tag: 'vip' }),
        profile('c1', due, { name: 'Li' }),
        ev({ type: 'tag.added', ts: due, customerId: 'c1', tag: 'do_not_contact' }),
        clock(due + 2 * HOUR),
      ],
      [],
      [touch(due, 'later', 'c1', { tag: 'vip', name: 'Li' })],
    );
  });

  test('a broadcast match compares with section 3 typing', async () => {
    const rules = [
      trigger(
        'promo',
        { broadcast: 'promo', match: { attr: 'score', prop: 'tier' } },
        {},
        { tier: '${event.props.tier}' },
      ),
    ];
    await agree(
      'typed broadcast match',
      rules,
      [
        profile('c1', T0, { score: 50 }),
        profile('c2', T0, { score: '50' }),
        ev({ type: 'broadcast', ts: T0 + 1, topic: 'promo', props: { tier: 50 } }),
        ev({ type: 'broadcast', ts: T0 + 2, topic: 'promo', props: { tier: '50' } }),
      ],
      [],
      [touch(T0 + 1, 'promo', 'c1', { tier: '50' }), touch(T0 + 2, 'promo', 'c2', { tier: '50' })],
    );
  });

  test('a late claim takes effect at now but keeps its own statusTs for the window', async () => {
    const rules = [{ id: 'recent-claim', kind: 'segment', when: { claim: { within: '1d' } } }];
    await agree(
      'late claim',
      rules,
      [
        profile('c1', T0, {}),
        clock(T0 + 10 * HOUR),
        ev({ type: 'claim.reported', ts: T0, customerId: 'c1', claimId: 'k1' }),
        clock(T0 + 2 * DAY),
      ],
      [
        seg(T0 + 10 * HOUR, 'recent-claim', 'c1', 'enter'),
        seg(T0 + DAY, 'recent-claim', 'c1', 'exit'),
      ],
      [],
    );
  });

  test('a backfill fires enter triggers and a deleted segment ends silently while its dependents exit', async () => {
    const rules = [
      { id: 'ref', kind: 'segment', when: { segment: 'vip' } },
      trigger('welcome', { enter: 'vip' }),
      trigger('bye', { exit: 'vip' }),
    ];
    await agree(
      'backfill and delete',
      rules,
      [
        profile('c1', T0, {}),
        ev({ type: 'tag.added', ts: T0, customerId: 'c1', tag: 'vip' }),
        profile('c2', T0, {}),
        ev({
          type: 'rule.upsert',
          ts: T0 + HOUR,
          rule: { id: 'vip', kind: 'segment', when: { tag: 'vip' } },
        }),
        ev({ type: 'rule.delete', ts: T0 + 2 * HOUR, ruleId: 'vip' }),
      ],
      [
        seg(T0 + HOUR, 'vip', 'c1', 'enter'),
        seg(T0 + HOUR, 'ref', 'c1', 'enter'),
        seg(T0 + 2 * HOUR, 'ref', 'c1', 'exit'),
      ],
      [touch(T0 + HOUR, 'welcome', 'c1', {})],
    );
  });

  test('a segment that references a segment added later follows it from the backfill on', async () => {
    const rules = [
      { id: 'follows', kind: 'segment', when: { not: { segment: 'later' } } },
      trigger('left', { exit: 'follows' }, {}, { why: '${event.segment}:${event.change}' }),
    ];
    await agree(
      'forward reference',
      rules,
      [
        profile('c1', T0, { city: 'Ningbo' }),
        profile('c2', T0, { city: 'Wenzhou' }),
        ev({
          type: 'rule.upsert',
          ts: T0 + HOUR,
          rule: { id: 'later', kind: 'segment', when: { attr: 'city', eq: 'Ningbo' } },
        }),
      ],
      [
        seg(T0, 'follows', 'c1', 'enter'),
        seg(T0, 'follows', 'c2', 'enter'),
        seg(T0 + HOUR, 'later', 'c1', 'enter'),
        seg(T0 + HOUR, 'follows', 'c1', 'exit'),
      ],
      [touch(T0 + HOUR, 'left', 'c1', { why: 'follows:exit' })],
    );
  });

  test('a policy window flips at exactly endDate - D and endDate', async () => {
    const end = T0 + 5 * DAY;
    const rules = [
      {
        id: 'expiring',
        kind: 'segment',
        when: { policy: { product: 'auto', expiresWithin: '1d' } },
      },
    ];
    await agree(
      'expiresWithin boundaries',
      rules,
      [
        ev({
          type: 'policy.issued',
          ts: T0,
          customerId: 'c1',
          policyId: 'p1',
          product: 'auto',
          startDate: T0,
          endDate: end,
          premium: 1,
        }),
        clock(end + HOUR),
      ],
      [seg(end - DAY, 'expiring', 'c1', 'enter'), seg(end, 'expiring', 'c1', 'exit')],
      [],
    );
  });

  test('a trigger added at the instant of a time flip fires for that flip (contract 1: "from this ts on"; 2: the record, then triggers)', async () => {
    const rules = [{ id: 'recent', kind: 'segment', when: { claim: { within: '1h' } } }];
    await agree(
      'trigger added at a flip',
      rules,
      [
        ev({ type: 'claim.reported', ts: T0, customerId: 'c1', claimId: 'k1' }),
        ev({ type: 'rule.upsert', ts: T0 + HOUR, rule: trigger('bye', { exit: 'recent' }) }),
      ],
      [seg(T0, 'recent', 'c1', 'enter'), seg(T0 + HOUR, 'recent', 'c1', 'exit')],
      [touch(T0 + HOUR, 'bye', 'c1', {})],
    );
  });

  test('firings written before a cap was added still count for it (contract 4: "max firings of this trigger ... already written")', async () => {
    const open = (cap?: JsonObject) =>
      trigger(
        'opened',
        { event: 'behaviour', action: 'app_open' },
        cap === undefined ? {} : { cap },
      );
    await agree(
      'cap added later',
      [open()],
      [
        appOpen('c1', T0),
        ev({ type: 'rule.upsert', ts: T0 + HOUR, rule: open({ max: 1, per: '1d' }) }),
        appOpen('c1', T0 + 2 * HOUR),
      ],
      [],
      [touch(T0, 'opened', 'c1', {})],
    );
  });
  test('a cap lengthened past the behaviour retention still counts every firing in its window (contract 4, cap)', async () => {
    const open = (per: string) =>
      trigger('opened', { event: 'behaviour', action: 'app_open' }, { cap: { max: 2, per } });
    const later = T0 + 100 * DAY;
    await agree(
      'cap per lengthened past the retention',
      [open('1d')],
      [
        appOpen('c1', T0),
        appOpen('c1', later),
        ev({ type: 'rule.upsert', ts: later + HOUR, rule: open('200d') }),
        appOpen('c1', later + 2 * HOUR),
      ],
      [],
      [touch(T0, 'opened', 'c1', {}), touch(later, 'opened', 'c1', {})],
    );
  });
});
