import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  RuleRejectedError,
  compileRules,
  withRule,
  withoutRule,
  type Rule,
} from '../../src/rules/index.js';
import { segment, trigger } from './support/factories.js';

const rules = (...list: object[]) => list as Rule[];

describe('compiling rules', () => {
  test('orders segments after the segments they reference, ties by id', () => {
    const set = compileRules(
      rules(
        segment('a', { all: [{ segment: 'c' }, { segment: 'b' }] }),
        segment('b', { segment: 'c' }),
        segment('c', { tag: 'x' }),
        segment('d', { tag: 'y' }),
      ),
    );
    assert.deepEqual(
      set.segments.map((s) => s.id),
      ['c', 'b', 'a', 'd'],
    );
    assert.deepEqual(set.segmentsById.get('c')?.dependents, [1, 2]);
  });

  test('indexes segments by what they read', () => {
    const set = compileRules(
      rules(
        segment('s1', { all: [{ attr: 'age', gt: 1 }, { tag: 'gold' }] }),
        segment('s2', {
          any: [{ policy: { product: 'auto' } }, { event: 'app_open', within: '1d' }],
        }),
        segment('s3', { not: { claim: {} } }),
      ),
    );
    const pos = (id: string) => set.segmentsById.get(id)?.position;
    assert.deepEqual(set.index.attrs.get('age'), [pos('s1')]);
    assert.deepEqual(set.index.tags.get('gold'), [pos('s1')]);
    assert.deepEqual(set.index.policies, [pos('s2')]);
    assert.deepEqual(set.index.actions.get('app_open'), [pos('s2')]);
    assert.deepEqual(set.index.claims, [pos('s3')]);
    assert.deepEqual(set.timeSegments, [pos('s2')]);
  });

  test('groups triggers by ON kind', () => {
    const set = compileRules(
      rules(
        trigger('t1', { event: 'claim.settled' }),
        trigger('t2', { event: 'behaviour', action: 'app_open' }),
        trigger('t3', { enter: 's' }),
        trigger('t4', { exit: 's' }),
        trigger('t5', { broadcast: 'weather' }),
      ),
    );
    const ids = (list: readonly { id: string }[] | undefined) => list?.map((t) => t.id);
    assert.deepEqual(ids(set.triggersByEvent.get('claim.settled')), ['t1']);
    assert.deepEqual(ids(set.triggersByEvent.get('behaviour:app_open')), ['t2']);
    assert.deepEqual(ids(set.triggersOnEnter.get('s')), ['t3']);
    assert.deepEqual(ids(set.triggersOnExit.get('s')), ['t4']);
    assert.deepEqual(ids(set.triggersByBroadcast.get('weather')), ['t5']);
  });

  test('compiles durations of triggers to milliseconds', () => {
    const set = compileRules(
      rules(
        trigger(
          't',
          { event: 'tag.added' },
          { delay: '2h', cap: { max: 3, per: '1d' }, holdout: 0.5 },
        ),
      ),
    );
    const t = set.triggers.get('t');
    assert.deepEqual(
      [t?.delayMs, t?.cap, t?.holdout],
      [7_200_000, { max: 3, perMs: 86_400_000 }, 0.5],
    );
  });

  test('refuses a segment cycle', () => {
    assert.throws(
      () => compileRules(rules(segment('a', { segment: 'b' }), segment('b', { segment: 'a' }))),
      RuleRejectedError,
    );
  });

  test('withRule and withoutRule build new sets and leave the old one as it was', () => {
    const one = compileRules(rules(segment('a', { tag: 'x' })));
    const two = withRule(one, segment('b', { tag: 'y' }) as Rule);
    const three = withoutRule(two, 'a');
    assert.deepEqual([...one.rules.keys()], ['a']);
    assert.deepEqual([...two.rules.keys()], ['a', 'b']);
    assert.deepEqual([...three.rules.keys()], ['b']);
    assert.equal(withoutRule(three, 'nope'), three);
  });
});
