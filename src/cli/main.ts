#!/usr/bin/env node
import { replay } from '../runtime/index.js';
const args = process.argv.slice(2);
const flag = (name: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
if (args[0] === 'replay') {
  const result = await replay({ rulesFile: flag('rules')!, eventsFile: flag('events')!, outDir: flag('out')!, partitions: Number(flag('partitions') ?? 1) });
  console.log(`${result.events} events, ${result.transitions.length} transitions, ${result.touches.length} touches, ${result.deadLetters.length} dead letters`);
}
