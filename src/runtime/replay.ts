/**
 * `touchstream replay` (rules contract, section 5): the real topology on the in-process driver,
 * one deterministic order, over a JSONL file of events; writes segments.jsonl, touches.jsonl and
 * dead-letters.jsonl, each sorted so that the bytes do not depend on the partition count.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseEvent, validateRules } from '../rules/index.js';
import type { Rule, RuleRejection, Touch, Transition } from '../rules/index.js';
import { jsonSerde, stringSerde } from '../topology/index.js';
import { RuntimeError } from './errors.js';
import { InMemoryCluster } from './in-memory-cluster.js';
import { TopologyTestDriver } from './topology-test-driver.js';
import { buildTouchstreamTopology } from './touchstream-topology.js';

export interface ReplayOptions {
  rulesFile: string;
  eventsFile: string;
  outDir: string;
  partitions?: number;
  retentionMs?: number;
}

export interface DeadLetterLine {
  line: number;
  reason: string;
}

export interface ReplayResult {
  transitions: Transition[];
  touches: Touch[];
  deadLetters: DeadLetterLine[];
  events: number;
}

const encode = (value: unknown) => jsonSerde.serialize(value);
const key = (text: string) => stringSerde.serialize(text);

export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const initialRules = await readRules(options.rulesFile, options.retentionMs);
  const { topology, topics } = buildTouchstreamTopology({
    backend: 'memory',
    retentionMs: options.retentionMs,
  });
  // The rules in force before the first event are on the rules topic before the engine starts.
  const cluster = new InMemoryCluster();
  const rulesTopic = cluster.ensureTopic(topics.rules, 1);
  for (const rule of initialRules)
    rulesTopic.append(0, { key: key(rule.id), value: encode(rule), timestamp: 0 });
  const driver = await TopologyTestDriver.create(topology, {
    cluster,
    partitions: options.partitions ?? 1,
    backendOverride: 'memory',
    commitEvery: 10_000,
  });
  const deadLetters: DeadLetterLine[] = [];
  let events = 0;
  try {
    const rejections = driver.createOutputTopic<string, RuleRejection>(topics.ruleRejections);
    let lineNumber = 0;
    const lines = createInterface({
      input: createReadStream(options.eventsFile, 'utf8'),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      const parsed = parseEvent(line);
      if (!parsed.ok) {
        deadLetters.push({ line: lineNumber, reason: parsed.reason });
        continue;
      }
      events += 1;
      const event = parsed.event;
      const lettersBefore = driver.deadLetters.length;
      switch (event.type) {
        case 'clock':
          await driver.advanceStreamTime(event.ts);
          break;
        case 'rule.upsert':
          await driver.pipeRaw(
            topics.rules,
            key(String((event.rule as { id?: unknown }).id ?? '')),
            encode(event.rule),
            event.ts,
          );
          break;
        case 'rule.delete':
          await driver.pipeRaw(topics.rules, key(event.ruleId), null, event.ts);
          break;
        case 'broadcast':
          await driver.pipeRaw(topics.broadcasts, null, encode(event), event.ts);
          break;
        default:
          await driver.pipeRaw(topics.events, key(event.customerId), encode(event), event.ts);
      }
      for (const rejection of rejections.readValues()) {
        if (rejection !== null)
          deadLetters.push({
            line: lineNumber,
            reason: `rule ${rejection.ruleId} rejected at ${rejection.path}: ${rejection.message}`,
          });
      }
      for (const letter of driver.deadLetters.slice(lettersBefore))
        deadLetters.push({ line: lineNumber, reason: letter.message });
    }
    const transitions = driver
      .createOutputTopic<string, Transition>(topics.transitions)
      .readValues() as Transition[];
    const touches = driver.createOutputTopic<string, Touch>(topics.touches).readValues() as Touch[];
    const result = {
      transitions: sortTransitions(transitions),
      touches: sortTouches(touches),
      deadLetters,
      events,
    };
    await writeOutputs(options.outDir, result);
    return result;
  } finally {
    await driver.close();
  }
}

async function readRules(file: string, retentionMs: number | undefined): Promise<Rule[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new RuntimeError(
      'TS_RUNTIME_RULES_FILE',
      `cannot read rules from ${file}: ${(cause as Error).message}`,
      { cause },
    );
  }
  const checked = validateRules(json, { retentionMs });
  if (checked.rejected.length > 0) {
    const first = checked.rejected[0];
    const problem = first.errors[0];
    throw new RuntimeError(
      'TS_RUNTIME_RULES_FILE',
      `${file}: rule ${first.index < 0 ? '' : `[${first.index}] `}rejected at ${problem.path}: ${problem.message}`,
      { details: { file, index: first.index, path: problem.path } },
    );
  }
  return checked.rules;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortTransitions(transitions: Transition[]): Transition[] {
  return transitions.sort(
    (a, b) =>
      a.at - b.at ||
      compareText(a.segment, b.segment) ||
      compareText(a.customerId, b.customerId) ||
      compareText(a.change, b.change),
  );
}

export function sortTouches(touches: Touch[]): Touch[] {
  return touches.sort(
    (a, b) =>
      a.at - b.at ||
      compareText(a.trigger, b.trigger) ||
      compareText(a.customerId, b.customerId) ||
      compareText(touchLine(a), touchLine(b)),
  );
}

export function transitionLine(t: Transition): string {
  return JSON.stringify({
    at: t.at,
    segment: t.segment,
    customerId: t.customerId,
    change: t.change,
  });
}

export function touchLine(t: Touch): string {
  return JSON.stringify({
    at: t.at,
    trigger: t.trigger,
    customerId: t.customerId,
    channel: t.channel,
    template: t.template,
    params: t.params,
    heldOut: t.heldOut,
  });
}

async function writeOutputs(outDir: string, result: Omit<ReplayResult, 'events'>): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const lines = (items: string[]) => (items.length === 0 ? '' : `${items.join('\n')}\n`);
  await writeFile(join(outDir, 'segments.jsonl'), lines(result.transitions.map(transitionLine)));
  await writeFile(join(outDir, 'touches.jsonl'), lines(result.touches.map(touchLine)));
  await writeFile(
    join(outDir, 'dead-letters.jsonl'),
    lines(
      result.deadLetters.map((letter) =>
        JSON.stringify({ line: letter.line, reason: letter.reason }),
      ),
    ),
  );
}
