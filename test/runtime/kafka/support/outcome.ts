/**
 * What a run produced, in a form two runs can be compared by: final segment memberships (the
 * transitions folded per customer and segment) and touches as sorted JSON lines; and the same from
 * `replay` over identical rules and events.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rule, Touch, Transition } from '../../../../src/rules/index.js';
import { replay, touchLine } from '../../../../src/runtime/index.js';
import type { ScenarioEvent } from './scenario.js';

export interface Outcome {
  /** `segment customerId` of every final membership, sorted. */
  memberships: string[];
  touches: string[];
}

export function memberships(transitions: readonly Transition[]): string[] {
  const ordered = [...transitions].sort((a, b) => a.at - b.at);
  const members = new Set<string>();
  for (const transition of ordered) {
    const key = `${transition.segment} ${transition.customerId}`;
    if (transition.change === 'enter') members.add(key);
    else members.delete(key);
  }
  return [...members].sort();
}

export function touchLines(touches: readonly Touch[]): string[] {
  return touches.map(touchLine).sort();
}

/** Identity of a touch for duplicate detection: the same trigger for the same customer at the same instant. */
export function touchIdentity(touch: Touch): string {
  return `${touch.trigger}|${touch.customerId}|${touch.at}`;
}

export function duplicates(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) twice.add(key);
    seen.add(key);
  }
  return [...twice].sort();
}

export async function replayOutcome(
  rules: readonly Rule[],
  events: readonly ScenarioEvent[],
): Promise<Outcome & { deadLetters: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'kafka-it-replay-'));
  const rulesFile = join(dir, 'rules.json');
  const eventsFile = join(dir, 'events.jsonl');
  await writeFile(rulesFile, JSON.stringify(rules));
  await writeFile(eventsFile, `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
  const result = await replay({ rulesFile, eventsFile, outDir: join(dir, 'out'), partitions: 1 });
  return {
    memberships: memberships(result.transitions),
    touches: touchLines(result.touches),
    deadLetters: result.deadLetters.length,
  };
}
