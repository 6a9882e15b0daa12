import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder, float64Serde } from '../../src/topology/index.js';
import { TopologyTestDriver } from '../../src/runtime/index.js';

test('counts words per key through a repartition topic', async () => {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('lines')
    .flatMapValues((line) => line.split(' '))
    .selectKey((_key, word) => word)
    .groupByKey()
    .count({ storeName: 'counts' })
    .toStream()
    .to('word-counts');
  const topology = builder.build();
  console.log(topology.describe());
  const driver = await TopologyTestDriver.create(topology, { partitions: 3 });
  try {
    const input = driver.createInputTopic<string, string>('lines');
    await input.pipeInput('a', 'x y x', 1);
    await input.pipeInput('b', 'y z', 2);
    const output = driver.createOutputTopic('word-counts', undefined, float64Serde);
    const latest = new Map<string, number>();
    for (const r of output.readRecords()) latest.set(r.key as string, r.value as number);
    assert.deepEqual(Object.fromEntries([...latest].sort()), { x: 2, y: 2, z: 1 });
  } finally {
    await driver.close();
  }
});
