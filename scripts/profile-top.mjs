#!/usr/bin/env node
// Prints the functions with the most self time in a .cpuprofile (node --cpu-prof), for quick looks.
import { readFileSync } from 'node:fs';

const [file, limit = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const self = new Map();
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const interval = (profile.endTime - profile.startTime) / profile.samples.length / 1000;
for (const id of profile.samples) {
  const node = byId.get(id);
  const { functionName, url, lineNumber } = node.callFrame;
  const name = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  self.set(name, (self.get(name) ?? 0) + interval);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(limit))) {
  console.log(
    `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`,
  );
}
