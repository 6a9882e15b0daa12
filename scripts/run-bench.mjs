#!/usr/bin/env node
// `npm run bench [name ...]`: runs each bench/<name>.ts in its own process (so one benchmark's heap
// does not slow the next), prints a table, and writes bench/results/<name>.json with the machine.
// BENCH_* variables a benchmark reads are recorded with its results; BENCH_LABEL=x writes
// <name>.x.json instead, so a run with other settings does not replace the default one.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const benches = readdirSync(join(root, 'bench'))
  .filter((name) => name.endsWith('.ts'))
  .map((name) => name.slice(0, -3))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
};
const settings = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => key.startsWith('BENCH_') && key !== 'BENCH_LABEL'),
);
const label = process.env.BENCH_LABEL;
if (label !== undefined && !/^[a-z0-9-]+$/.test(label)) {
  console.error(
    `BENCH_LABEL must be lower-case letters, digits and dashes, got ${JSON.stringify(label)}`,
  );
  process.exit(2);
}
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
let failed = 0;
for (const name of benches) {
  console.log(`\n== ${name}`);
  const started = Date.now();
  const child = spawnSync(
    process.execPath,
    [
      '--max-old-space-size=8192',
      '--import',
      'tsx',
      join(root, 'scripts', 'bench-one.ts'),
      join(root, 'bench', `${name}.ts`),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
  );
  const lines = (child.stdout ?? '').trim().split('\n');
  const last = lines.pop() ?? '';
  if (lines.length > 0) console.log(lines.join('\n'));
  let results;
  try {
    results = JSON.parse(last);
  } catch {
    console.error(`benchmark ${name} failed (exit ${child.status}): ${last}`);
    failed += 1;
    continue;
  }
  const width = Math.max(...Object.keys(results).map((key) => key.length));
  for (const [key, value] of Object.entries(results)) {
    const shown =
      typeof value === 'number'
        ? value.toLocaleString('en-US', { maximumFractionDigits: 2 })
        : String(value);
    console.log(`  ${key.padEnd(width)}  ${shown}`);
  }
  const record = {
    benchmark: name,
    date: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
    machine,
    settings,
    results,
  };
  writeFileSync(
    join(root, 'bench', 'results', label === undefined ? `${name}.json` : `${name}.${label}.json`),
    `${JSON.stringify(record, null, 2)}\n`,
  );
}
process.exit(failed === 0 ? 0 : 1);
