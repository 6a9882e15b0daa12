import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InMemoryCluster,
  TopologyTestDriver,
  buildTouchstreamTopology,
} from '../../src/runtime/index.js';
import { jsonSerde, stringSerde } from '../../src/topology/index.js';

const { topology, topics } = buildTouchstreamTopology();

function publish(cluster: InMemoryCluster, rule: { id: string }, timestamp: number): void {
  cluster.ensureTopic(topics.rules, 1).append(0, {
    key: stringSerde.serialize(rule.id),
    value: jsonSerde.serialize(rule),
    timestamp,
  });
}

function profile(customerId: string, ts: number, attrs: Record<string, unknown>) {
  return { type: 'customer.profile', id: `${customerId}-${ts}`, ts, customerId, attrs };
}

test('a segment published while no instance ran is backfilled when the task starts again', async () => {
  const cluster = new InMemoryCluster();
  const stateDir = mkdtempSync(join(tmpdir(), 'rules-away-'));
  publish(cluster, { id: 'vip', kind: 'segment', when: { attr: 'level', eq: 'vip' } } as never, 0);
  const first = await TopologyTestDriver.create(topology, { cluster, stateDir, partitions: 2 });
  for (const [id, level, city] of [
    ['c1', 'vip', 'Xiamen'],
    ['c2', 'standard', 'Xiamen'],
    ['c3', 'vip', 'Wuhan'],
  ]) {
    await first.pipeRaw(
      topics.events,
      stringSerde.serialize(id),
      jsonSerde.serialize(profile(id, 1_000, { level, city })),
      1_000,
    );
  }
  assert.equal(first.createOutputTopic(topics.transitions).readValues().length, 2);
  await first.close();

  // Published while the application is down.
  publish(
    cluster,
    { id: 'xiamen', kind: 'segment', when: { attr: 'city', eq: 'Xiamen' } } as never,
    2_000,
  );

  const second = await TopologyTestDriver.create(topology, { cluster, stateDir, partitions: 2 });
  try {
    const transitions = second.createOutputTopic<
      string,
      { at: number; segment: string; customerId: string; change: string }
    >(topics.transitions);
    transitions.readValues(); // what the first run wrote
    await second.advanceStreamTime(3_000);
    const caughtUp = transitions
      .readValues()
      .map((t) => `${t?.segment}:${t?.customerId}:${t?.change}@${t?.at}`)
      .sort();
    assert.deepEqual(caughtUp, ['xiamen:c1:enter@3000', 'xiamen:c2:enter@3000']);
    // The states now know the rule: another start backfills nothing.
  } finally {
    await second.close();
  }
  const third = await TopologyTestDriver.create(topology, { cluster, stateDir, partitions: 2 });
  try {
    const transitions = third.createOutputTopic(topics.transitions);
    transitions.readValues();
    await third.advanceStreamTime(4_000);
    assert.deepEqual(transitions.readValues(), []);
  } finally {
    await third.close();
  }
});
