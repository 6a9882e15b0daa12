import { after, describe, test } from 'node:test';
import { check, cleanUp } from './harness.js';
import { generateScenario } from './generators.js';
import type { ScenarioOptions } from './generators.js';

/** Random seeds per run; raise it locally (PROPERTY_SEEDS=2000) for a longer hunt. */
const SEEDS = Number(process.env.PROPERTY_SEEDS ?? 150);
const FIRST_SEED = Number(process.env.PROPERTY_FIRST_SEED ?? 1);

/** Seeds that once disagreed with the oracle; each stays here once understood. */
const REGRESSION_SEEDS: { seed: number; options?: ScenarioOptions; why: string }[] = [];

after(cleanUp);

describe('the engine agrees with a brute-force oracle written from the contract', () => {
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed += 1) {
    test(`random seed ${seed} gives the oracle's transitions and touches for 1, 3 and 8 partitions`, async (t) => {
      const s = generateScenario(seed);
      const skip = await check(`seed ${seed}`, s.rules, s.lines);
      if (skip !== undefined) t.skip(skip);
    });
  }
  for (const { seed, options, why } of REGRESSION_SEEDS) {
    test(`regression seed ${seed} (${why}) still agrees with the oracle`, async () => {
      const s = generateScenario(seed, options);
      await check(`regression seed ${seed}`, s.rules, s.lines);
    });
  }
});
