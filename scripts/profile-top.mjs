#!/usr/bin/env node
// Prints the functions with the most time in a .cpuprofile (node --cpu-prof, or
// scripts/profile-rules-engine.ts), for quick looks: self time by default, `--inclusive` for the
// time spent in a function and everything it called (each function counted once per sample, so
// recursion does not inflate it).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const inclusive = args.includes('--inclusive');
const [file, limit = '25'] = args.filter((arg) => arg !== '--inclusive');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parentOf.set(child, node.id);
const interval = (profile.endTime - profile.startTime) / profile.samples.length / 1000;

function nameOf(node) {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
}

const time = new Map();
for (const id of profile.samples) {
  if (!inclusive) {
    const name = nameOf(byId.get(id));
    time.set(name, (time.get(name) ?? 0) + interval);
    continue;
  }
  const counted = new Set();
  for (let at = id; at !== undefined; at = parentOf.get(at)) {
    const name = nameOf(byId.get(at));
    if (counted.has(name)) continue;
    counted.add(name);
    time.set(name, (time.get(name) ?? 0) + interval);
  }
}
const total = profile.samples.length * interval;
for (const [name, ms] of [...time].sort((a, b) => b[1] - a[1]).slice(0, Number(limit))) {
  console.log(
    `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`,
  );
}
