import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  applyRecord,
  catchUp,
  compileRules,
  createCustomerState,
  fire,
  onRulesChanged,
  validateEvent,
  withRule,
  type CustomerEvent,
  type CustomerState,
  type Rule,
  type RuleSet,
} from '../../src/rules/index.js';
import { DAY, T0, claim, segment, tag, trigger } from './support/factories.js';

function record(state: CustomerState, json: object, ruleSet: RuleSet) {
  const result = validateEvent(json);
  if (!result.ok) throw new Error(result.reason);
  const event = result.event as CustomerEvent;
  const out = applyRecord(state, event, event.ts, ruleSet);
  return { out, touches: fire(state, out.occurrences, event.ts, ruleSet) };
}

describe('catching a customer up to a record', () => {
  const ruleSet = compileRules([
    segment('recent', { claim: { status: 'settled', within: '1d' } }),
    trigger('after', { exit: 'recent' }),
    trigger('later', { event: 'claim.settled' }, { delay: '3d' }),
  ] as Rule[]);

  test('fires the wakes before t at their own instants and holds the occurrences of t itself', () => {
    const state = createCustomerState('c1');
    record(state, claim('c1', T0, 'settled'), ruleSet);
    const result = catchUp(state, T0, T0 + 3 * DAY, ruleSet);
    assert.deepEqual(
      result.transitions.map((t) => [t.at, t.change]),
      [[T0 + DAY, 'exit']],
    );
    assert.deepEqual(
      result.touches.map((t) => [t.at, t.trigger]),
      [[T0 + DAY, 'after']],
    );
    assert.deepEqual(
      result.held.map((o) => [o.trigger, o.due]),
      [['later', T0 + 3 * DAY]],
    );
    assert.equal(state.pending.length, 0);
  });

  test('does nothing when no wake is due by t', () => {
    const state = createCustomerState('c1');
    record(state, claim('c1', T0, 'settled'), ruleSet);
    const result = catchUp(state, T0, T0 + DAY - 1, ruleSet);
    assert.deepEqual([result.transitions, result.touches, result.held], [[], [], []]);
  });

  test('never goes back before the instant the state was last evaluated', () => {
    const state = createCustomerState('c1');
    record(state, claim('c1', T0, 'settled'), ruleSet);
    catchUp(state, T0, T0 + 2 * DAY, ruleSet);
    const again = catchUp(state, T0, T0 + 2 * DAY, ruleSet);
    assert.deepEqual(again.transitions, []);
  });
});

describe('rule changes that change a rule kind', () => {
  test('a trigger replaced by a segment of the same id drops its pending firings and cap history', () => {
    const before = compileRules([
      trigger('x', { event: 'tag.added' }, { delay: '1d', cap: { max: 1, per: '1d' } }),
    ] as Rule[]);
    const state = createCustomerState('c1');
    record(state, tag('c1', T0, 'a'), before);
    state.firings.set('x', [T0]);
    const after = withRule(before, segment('x', { tag: 'a' }) as Rule);
    const out = onRulesChanged(state, before, after, ['x'], T0 + 1);
    assert.deepEqual(state.pending, []);
    assert.equal(state.firings.has('x'), false);
    assert.deepEqual(
      out.transitions.map((t) => [t.segment, t.change]),
      [['x', 'enter']],
    );
  });

  test('a segment replaced by a trigger of the same id ends its memberships silently', () => {
    const before = compileRules([segment('x', { tag: 'a' })] as Rule[]);
    const state = createCustomerState('c1');
    record(state, tag('c1', T0, 'a'), before);
    assert.equal(state.segments.has('x'), true);
    const after = withRule(before, trigger('x', { event: 'tag.added' }) as Rule);
    const out = onRulesChanged(state, before, after, ['x'], T0 + 1);
    assert.deepEqual(out, { transitions: [], occurrences: [] });
    assert.equal(state.segments.has('x'), false);
  });
});
