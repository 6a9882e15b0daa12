import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replay } from '../../../src/runtime/index.js';
import { generateScenario } from './generators.js';
import { runOracle } from './brute-force-oracle.js';
const [from, count] = [Number(process.argv[2]), Number(process.argv[3])];
for (let seed = from; seed < from + count; seed++) {
  const s = generateScenario(seed, { capOnUncapped: true });
  const o = runOracle(s.rules, s.lines);
  if (o.ambiguous.length) continue;
  const dir = mkdtempSync(join(tmpdir(), 'hunt-'));
  writeFileSync(join(dir, 'r.json'), JSON.stringify(s.rules));
  writeFileSync(join(dir, 'e.jsonl'), s.lines.map((l) => l.text).join('\n') + '\n');
  await replay({ rulesFile: join(dir, 'r.json'), eventsFile: join(dir, 'e.jsonl'), outDir: dir, partitions: 1 });
  const a = readFileSync(join(dir, 'segments.jsonl'), 'utf8').split('\n').filter(Boolean).sort();
  const b = readFileSync(join(dir, 'touches.jsonl'), 'utf8').split('\n').filter(Boolean).sort();
  const okT = JSON.stringify(a) === JSON.stringify([...o.transitions].sort());
  const okU = JSON.stringify(b) === JSON.stringify([...o.touches].sort());
  if (!okT || !okU) console.log('seed', seed, 'transitions ok', okT, 'touches ok', okU, 'lines', s.lines.length, dir);
}
