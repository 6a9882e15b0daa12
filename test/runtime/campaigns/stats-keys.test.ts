import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatsKey, statsKey } from '../../../src/runtime/campaigns/index.js';
import type { StatsKey } from '../../../src/runtime/campaigns/index.js';

test('a key reads back as the trigger, day, channel and arm it was written from, NULs included', () => {
  const keys: StatsKey[] = [
    { trigger: 'renewal', day: '2026-01-05', channel: 'push', arm: 'touched' },
    { trigger: 'a\u0000b', day: '2026-01-05', channel: 'sms', arm: 'held_out' },
    { trigger: 'x:y', day: '2026-01-05', channel: 'we\u0000chat', arm: 'touched' },
    { trigger: '\u0000', day: '2026-01-05', channel: '', arm: 'touched' },
  ];
  for (const key of keys) assert.deepEqual(parseStatsKey(statsKey(key)), key);
  assert.equal(parseStatsKey('not a key'), undefined);
});

test("one trigger's keys never interleave with another's whose id extends it", () => {
  const key = (trigger: string, day: string) =>
    statsKey({ trigger, day, channel: 'push', arm: 'touched' });
  const sorted = [
    key('a', '2026-01-05'),
    key('a\u0000', '2026-01-01'),
    key('a', '2026-01-01'),
    key('ab', '2026-01-01'),
  ].sort();
  assert.deepEqual(
    sorted.map((k) => parseStatsKey(k)!.trigger),
    ['a', 'a', 'a\u0000', 'ab'],
  );
});
