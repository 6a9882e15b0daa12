import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { SyntheticInsuranceEvents } from '../../src/cli/dev/synthetic-events.js';
import type { SyntheticEvent } from '../../src/cli/dev/synthetic-events.js';
import {
  InMemoryCluster,
  TopologyTestDriver,
  buildTouchstreamTopology,
} from '../../src/runtime/index.js';
import { jsonSerde, stringSerde } from '../../src/topology/index.js';

const DAY = 86_400_000;
const START = 1_800_000_000_000;

function exampleRules(): { id: string }[] {
  const dir = new URL('../../examples/rules/', import.meta.url);
  return readdirSync(dir).flatMap(
    (file) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { id: string }[],
  );
}

/** Onboarding, then two weeks of traffic with a weather alert: time-driven renewals fire along the way. */
function scenario(): SyntheticEvent[] {
  const events = new SyntheticInsuranceEvents(120, 7);
  const out = [...events.onboarding(START)];
  for (let i = 1; i <= 400; i += 1) out.push(events.next(START + i * (DAY / 30)));
  out.push(events.weatherAlert(START + 14 * DAY));
  return out;
}

async function run(dropAt: number | undefined): Promise<{ lines: string[]; restored: number }> {
  const { topology, topics } = buildTouchstreamTopology();
  const cluster = new InMemoryCluster();
  const rulesTopic = cluster.ensureTopic(topics.rules, 1);
  for (const rule of exampleRules())
    rulesTopic.append(0, {
      key: stringSerde.serialize(rule.id),
      value: jsonSerde.serialize(rule),
      timestamp: 0,
    });
  const driver = await TopologyTestDriver.create(topology, {
    cluster,
    partitions: 2,
    commitEvery: 50,
  });
  let restored = 0;
  try {
    const events = scenario();
    for (let i = 0; i < events.length; i += 1) {
      const event = events[i];
      if (i === dropAt) {
        await driver.commit();
        await driver.dropTaskState('0_1');
        restored = Object.values(driver.restoredCounts('0_1')).reduce(
          (sum, count) => sum + count,
          0,
        );
      }
      const topic = event.type === 'broadcast' ? topics.broadcasts : topics.events;
      const key = event.customerId === undefined ? null : stringSerde.serialize(event.customerId);
      await driver.pipeRaw(topic, key, jsonSerde.serialize(event), event.ts);
    }
    const lines = [
      ...driver.createOutputTopic(topics.transitions).readValues(),
      ...driver.createOutputTopic(topics.touches).readValues(),
    ].map((value) => JSON.stringify(value));
    return { lines: lines.sort(), restored };
  } finally {
    await driver.close();
  }
}

test('a task whose local state is lost mid-stream restores from its changelog and produces the same outputs', async () => {
  const uninterrupted = await run(undefined);
  const interrupted = await run(450);
  assert.ok(
    uninterrupted.lines.length > 100,
    `the scenario produces output (${uninterrupted.lines.length} lines)`,
  );
  assert.ok(interrupted.restored > 0, 'the dropped task restored records from its changelogs');
  assert.deepEqual(interrupted.lines, uninterrupted.lines);
});
