import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { check, cleanUp, runCli, runEngine } from './harness.js';
import { generateScenario } from './generators.js';
import type { ScenarioOptions, ScenarioStyle } from './generators.js';

/**
 * Random seeds per run. For a longer hunt: PROPERTY_SEEDS=2000 PROPERTY_FIRST_SEED=50000, plus
 * PROPERTY_STYLE=instants (rule changes on flip instants), PROPERTY_STRICT=1 (also compare seeds
 * whose outcome the contract leaves open, in the oracle's order).
 */
const SEEDS = Number(process.env.PROPERTY_SEEDS ?? 120);
const FIRST_SEED = Number(process.env.PROPERTY_FIRST_SEED ?? 1);

/**
 * Seeds that once disagreed with the oracle; each stays here once understood. Give an entry a
 * `todo` while its engine bug is open (node:test runs it and reports it without failing the suite).
 */
const REGRESSION_SEEDS: { seed: number; options?: ScenarioOptions; why: string; todo?: string }[] =
  [
    {
      seed: 40,
      options: { capOnUncapped: true, readdTriggers: false },
      // Found the engine ignoring firings written before a cap was added; fixed, kept as a regression test.
      why: 'a trigger replaced by a capped version',
    },
    {
      seed: 40779,
      why: 'a trigger replaced, with a new enter ON, at the very instant of a flip into that segment',
      // Found the engine missing the flip for the replaced trigger; fixed, kept as a regression test.
      options: { readdTriggers: false },
    },
  ];

after(cleanUp);

describe('the engine agrees with a brute-force oracle written from the contract', () => {
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed += 1) {
    test(`random seed ${seed} gives the oracle's transitions and touches for 1, 3 and 8 partitions`, async (t) => {
      const s = generateScenario(seed, {
        style: process.env.PROPERTY_STYLE as ScenarioStyle | undefined,
      });
      const skip = await check(`seed ${seed}`, s.rules, s.lines);
      if (skip !== undefined) t.skip(skip);
    });
  }
  test('the touchstream replay command writes the same three files as replay()', async () => {
    const s = generateScenario(7);
    const fromCli = runCli('cli-seed-7', s.rules, s.lines, 3);
    const fromApi = await runEngine('api-seed-7', s.rules, s.lines, 3);
    assert.ok(fromApi.segments.length > 0, 'seed 7 should produce transitions');
    assert.deepEqual(fromCli, fromApi);
  });
  for (const { seed, options, why, todo } of REGRESSION_SEEDS) {
    test(`regression seed ${seed} (${why}) agrees with the oracle`, { todo }, async () => {
      const s = generateScenario(seed, options);
      await check(`regression seed ${seed}`, s.rules, s.lines);
    });
  }
});
