import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  InMemoryCluster,
  TopologyTestDriver,
  buildTouchstreamTopology,
} from '../../src/runtime/index.js';
import { jsonSerde, stringSerde } from '../../src/topology/index.js';

const DAY = 86_400_000;
const START = 1_800_000_000_000;

const rules = [
  { id: 'expiring', kind: 'segment', when: { policy: { status: 'active', expiresWithin: '30d' } } },
  {
    id: 'remind',
    kind: 'trigger',
    on: { enter: 'expiring' },
    touch: { channel: 'sms', template: 'renewal' },
  },
];

async function driverWith(wakeClock: 'wall' | 'stream') {
  const { topology, topics } = buildTouchstreamTopology({ wakeClock, backend: 'memory' });
  const cluster = new InMemoryCluster();
  const rulesTopic = cluster.ensureTopic(topics.rules, 1);
  for (const rule of rules)
    rulesTopic.append(0, {
      key: stringSerde.serialize(rule.id),
      value: jsonSerde.serialize(rule),
      timestamp: 0,
    });
  const driver = await TopologyTestDriver.create(topology, { cluster, wallClockStart: START });
  const policy = {
    type: 'policy.issued',
    id: 'e1',
    ts: START,
    customerId: 'c1',
    policyId: 'p1',
    product: 'auto',
    startDate: START - 300 * DAY,
    endDate: START + 31 * DAY,
    premium: 1000,
  };
  await driver.pipeRaw(
    topics.events,
    stringSerde.serialize('c1'),
    jsonSerde.serialize(policy),
    START,
  );
  return {
    driver,
    touches: driver.createOutputTopic<string, { at: number; trigger: string }>(topics.touches),
  };
}

test('with wall-clock wakes a renewal reminder goes out on a quiet night, with no event arriving', async () => {
  const { driver, touches } = await driverWith('wall');
  try {
    await driver.advanceWallClockTime(DAY - 1);
    assert.deepEqual(touches.readValues(), [], 'nothing before the policy is 30 days from its end');
    await driver.advanceWallClockTime(1);
    assert.deepEqual(
      touches.readValues().map((touch) => [touch?.trigger, touch?.at]),
      [['remind', START + DAY]],
    );
  } finally {
    await driver.close();
  }
});

test('with stream-time wakes the same reminder waits for time to move on the input', async () => {
  const { driver, touches } = await driverWith('stream');
  try {
    await driver.advanceWallClockTime(2 * DAY);
    assert.deepEqual(touches.readValues(), []);
    await driver.advanceStreamTime(START + 2 * DAY);
    assert.deepEqual(
      touches.readValues().map((touch) => [touch?.trigger, touch?.at]),
      [['remind', START + DAY]],
    );
  } finally {
    await driver.close();
  }
});
