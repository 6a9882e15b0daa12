import { BPlusTree } from '../../src/state/b-plus-tree.js';
const N = 1_000_000;
const mode = process.argv[2];
const keys: string[] = [];
let seed = 1;
for (let i = 0; i < N; i++) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  let k = 't' + (seed % 100000000).toString(16).padStart(14, '0') + ':c' + (seed % 50000000) + '-' + i;
  if (mode === 'flat') k = Buffer.from(k, 'latin1').toString('latin1');
  keys.push(k);
}
const cpu = () => process.cpuUsage().user / 1000;
for (let round = 0; round < 2; round++) {
  const t = new BPlusTree<number>();
  let t0 = cpu();
  for (let i = 0; i < N; i++) t.set(keys[i], i);
  const ins = cpu() - t0;
  t0 = cpu();
  for (let i = 0; i < N; i++) t.get(keys[i]);
  console.log(mode, 'insert', ins.toFixed(0), 'get', (cpu() - t0).toFixed(0));
}
