/**
 * Runs the real replay for 1, 3 and 8 partitions over one scenario and compares it with the
 * brute-force oracle; a disagreement fails with everything needed to reproduce it by hand.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replay } from '../../../src/runtime/index.js';
import { runOracle } from './brute-force-oracle.js';
import type { JsonObject, OracleLine } from './brute-force-oracle.js';

export const PARTITIONS = [1, 3, 8];

const root = mkdtempSync(join(tmpdir(), 'touchstream-property-'));

/** Removes the scratch folder; call it from the test file's `after`. */
export function cleanUp(): void {
  rmSync(root, { recursive: true, force: true });
}

export interface EngineRun {
  segments: string;
  touches: string;
  deadLetters: string;
}

export async function runEngine(
  name: string,
  rules: JsonObject[],
  lines: OracleLine[],
  partitions: number,
): Promise<EngineRun> {
  const dir = join(root, name);
  const rulesFile = join(dir, '..', `${name}.rules.json`);
  const eventsFile = join(dir, '..', `${name}.events.jsonl`);
  writeFileSync(rulesFile, JSON.stringify(rules));
  writeFileSync(eventsFile, `${lines.map((l) => l.text).join('\n')}\n`);
  const outDir = join(dir, `p${partitions}`);
  await replay({ rulesFile, eventsFile, outDir, partitions });
  return readRun(outDir);
}

function readRun(outDir: string): EngineRun {
  const read = (file: string) => readFileSync(join(outDir, file), 'utf8');
  return {
    segments: read('segments.jsonl'),
    touches: read('touches.jsonl'),
    deadLetters: read('dead-letters.jsonl'),
  };
}

/** The same scenario through `touchstream replay` (the CLI), as a user would run it. */
export function runCli(
  name: string,
  rules: JsonObject[],
  lines: OracleLine[],
  partitions: number,
): EngineRun {
  const rulesFile = join(root, `${name}.cli.rules.json`);
  const eventsFile = join(root, `${name}.cli.events.jsonl`);
  writeFileSync(rulesFile, JSON.stringify(rules));
  writeFileSync(eventsFile, `${lines.map((l) => l.text).join('\n')}\n`);
  const outDir = join(root, `${name}.cli.out`);
  const cwd = new URL('../../../', import.meta.url).pathname;
  const args = [
    '--import',
    'tsx',
    'src/cli/main.ts',
    'replay',
    '--rules',
    rulesFile,
    '--events',
    eventsFile,
  ];
  const done = spawnSync(
    process.execPath,
    [...args, '--out', outDir, '--partitions', String(partitions)],
    {
      cwd,
      encoding: 'utf8',
    },
  );
  assert.equal(done.status, 0, `touchstream replay failed: ${done.stderr}`);
  return readRun(outDir);
}

export const linesOf = (text: string): string[] => text.split('\n').filter((l) => l !== '');

function firstDifference(engine: string[], oracle: string[]): string | undefined {
  const a = [...engine].sort();
  const b = [...oracle].sort();
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    if (a[i] !== b[i])
      return `first difference at sorted line ${i}:\n  engine: ${a[i] ?? '(none)'}\n  oracle: ${b[i] ?? '(none)'}`;
  }
  return undefined;
}

/** Section 5: sorted by at, then the rule id, then customerId, then change. */
function assertSorted(lines: string[], idField: 'segment' | 'trigger', file: string): void {
  const keys = lines.map((l) => {
    const o = JSON.parse(l) as Record<string, string | number>;
    return [
      o.at as number,
      String(o[idField]),
      String(o.customerId),
      String(o.change ?? ''),
    ] as const;
  });
  for (let i = 1; i < keys.length; i += 1) {
    const [x, y] = [keys[i - 1], keys[i]];
    const cmp =
      x[0] - y[0] ||
      (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) ||
      (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0) ||
      (x[3] < y[3] ? -1 : x[3] > y[3] ? 1 : 0);
    assert.ok(cmp <= 0, `${file} is not sorted at line ${i + 1}: ${lines[i - 1]} then ${lines[i]}`);
  }
}

function reproduction(
  label: string,
  rules: JsonObject[],
  lines: OracleLine[],
  detail: string,
): string {
  return [
    `${label}: engine and oracle disagree`,
    detail,
    `rules: ${JSON.stringify(rules)}`,
    'events:',
    ...lines.map((l, i) => `  ${i + 1}${l.kind === 'valid' ? '' : ` (${l.kind})`} ${l.text}`),
  ].join('\n');
}

/** Runs the engine for every partition count and compares it with the oracle; returns a skip reason or nothing. */
export async function check(
  label: string,
  rules: JsonObject[],
  lines: OracleLine[],
): Promise<string | undefined> {
  const expected = runOracle(rules, lines);
  // PROPERTY_STRICT=1 compares these too, with the oracle's order (the order their ON happened).
  if (expected.ambiguous.length > 0 && process.env.PROPERTY_STRICT !== '1')
    return `contract leaves this seed open: ${expected.ambiguous[0]}`;
  const name = label.replace(/[^a-z0-9-]/gi, '_');
  const runs: EngineRun[] = [];
  for (const n of PARTITIONS) runs.push(await runEngine(name, rules, lines, n));
  for (let i = 1; i < runs.length; i += 1) {
    for (const file of ['segments', 'touches', 'deadLetters'] as const)
      assert.equal(
        runs[i][file],
        runs[0][file],
        `${label}: ${file} differ between 1 and ${PARTITIONS[i]} partitions`,
      );
  }
  const engine = runs[0];
  const dead = linesOf(engine.deadLetters).map((l) => (JSON.parse(l) as { line: number }).line);
  assert.deepEqual(
    dead,
    expected.deadLetterLines,
    reproduction(
      label,
      rules,
      lines,
      `dead-letter lines: ${linesOf(engine.deadLetters).join(' | ')}`,
    ),
  );
  assertSorted(linesOf(engine.segments), 'segment', 'segments.jsonl');
  assertSorted(linesOf(engine.touches), 'trigger', 'touches.jsonl');
  const segDiff = firstDifference(linesOf(engine.segments), expected.transitions);
  if (segDiff !== undefined)
    assert.fail(reproduction(label, rules, lines, `segments.jsonl ${segDiff}`));
  const touchDiff = firstDifference(linesOf(engine.touches), expected.touches);
  if (touchDiff !== undefined)
    assert.fail(reproduction(label, rules, lines, `touches.jsonl ${touchDiff}`));
  return undefined;
}
