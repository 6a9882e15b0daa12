import { generateScenario } from './generators.js';
import { runOracle } from './brute-force-oracle.js';
let tr = 0, to = 0, held = 0, amb = 0, evts = 0, late = 0, timeTr = 0;
const N = Number(process.argv[2] ?? 100);
for (let seed = 1; seed <= N; seed++) {
  const s = generateScenario(seed);
  const o = runOracle(s.rules, s.lines);
  tr += o.transitions.length; to += o.touches.length; amb += o.ambiguous.length > 0 ? 1 : 0;
  held += o.touches.filter((t) => t.includes('"heldOut":true')).length;
  evts += s.lines.length;
  const tsSet = new Set(s.lines.filter(l => l.kind !== 'invalid').map(l => (JSON.parse(l.text) as {ts:number}).ts));
  timeTr += o.transitions.filter(t => !tsSet.has((JSON.parse(t) as {at:number}).at)).length;
}
console.log({ tr: tr / N, to: to / N, held: held / N, amb, evts: evts / N, timeTr: timeTr / N });
