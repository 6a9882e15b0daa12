#!/usr/bin/env node
// Lists every stable error code (TS_<AREA>_<WHAT>) used under src/, with the files that raise it.
// `node scripts/error-codes.mjs --write` regenerates docs/errors.md; a test checks it is current.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

export function collectCodes() {
  const codes = new Map();
  for (const file of files(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/['"`](TS_[A-Z0-9]+_[A-Z0-9_]+)['"`]/g)) {
      const places = codes.get(match[1]) ?? new Set();
      places.add(relative(root, file));
      codes.set(match[1], places);
    }
  }
  return new Map([...codes].sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function renderErrorsDoc(codes) {
  const lines = [
    '# Error codes',
    '',
    'Every error touchstream raises on purpose carries a stable `code`, `TS_<AREA>_<WHAT>`. Match on',
    'the code, never on the message. A code is never reused for another meaning. This list is',
    'generated from the source by `node scripts/error-codes.mjs --write`; a test fails when it is stale.',
    '',
    '| code | raised in |',
    '|---|---|',
  ];
  for (const [code, places] of codes)
    lines.push(`| \`${code}\` | ${[...places].map((p) => `\`${p}\``).join(', ')} |`);
  return `${lines.join('\n')}\n`;
}

if (process.argv.includes('--write')) {
  writeFileSync(join(root, 'docs', 'errors.md'), renderErrorsDoc(collectCodes()));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  for (const code of collectCodes().keys()) console.log(code);
}
