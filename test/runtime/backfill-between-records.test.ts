import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TopologyTestDriver,
  buildTouchstreamTopology,
  type TopologyTestDriverOptions,
} from '../../src/runtime/index.js';
import { jsonSerde, stringSerde } from '../../src/topology/index.js';

// Two customers per backfill or broadcast step, and records between steps, as the Kafka runtime
// runs them.
// A one-entry customer cache: what a step reads comes from the store, not from the cache.
const { topology, topics } = buildTouchstreamTopology({
  backend: 'memory',
  sweepChunk: 2,
  customerCacheEntries: 1,
});

interface TransitionOut {
  at: number;
  segment: string;
  customerId: string;
  change: string;
}

async function open(
  options: TopologyTestDriverOptions = {},
): Promise<{ driver: TopologyTestDriver; event(value: object): Promise<void> }> {
  const driver = await TopologyTestDriver.create(topology, { backgroundJobs: 'step', ...options });
  const event = (value: object) =>
    driver.pipeRaw(
      topics.events,
      stringSerde.serialize((value as { customerId: string }).customerId),
      jsonSerde.serialize(value),
      (value as { ts: number }).ts,
    );
  return { driver, event };
}

function profile(customerId: string, ts: number, attrs: Record<string, unknown>) {
  return { type: 'customer.profile', id: `${customerId}-${ts}`, ts, customerId, attrs };
}

async function publish(driver: TopologyTestDriver, rule: object, ts: number): Promise<void> {
  await driver.pipeRaw(
    topics.rules,
    stringSerde.serialize((rule as { id: string }).id),
    jsonSerde.serialize(rule),
    ts,
  );
}

function customer(driver: TopologyTestDriver, id: string) {
  const found = driver.queryStore<{ attrs: Map<string, unknown>; segments: Set<string> }>(
    'customers',
    id,
  );
  assert.equal(found.kind, 'local');
  return found.kind === 'local' ? found.store.get(id) : undefined;
}

test('a record between two backfill steps is kept when the backfill reaches its customer', async () => {
  const { driver, event } = await open();
  try {
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'])
      await event(profile(id, 1_000, { city: 'Wuhan', level: id === 'c3' ? 'vip' : 'standard' }));
    await publish(
      driver,
      { id: 'vip', kind: 'segment', when: { attr: 'level', eq: 'vip' } },
      2_000,
    );

    // First step: c1 and c2.
    assert.equal(await driver.stepBackgroundJobs(), true);
    // A record moves c3 before the backfill reaches it.
    await event(profile('c3', 3_000, { city: 'Xiamen' }));
    while (await driver.stepBackgroundJobs());

    // The backfill enters c3 and writes it back with the record's change.
    const c3 = customer(driver, 'c3');
    assert.equal(c3?.attrs.get('city'), 'Xiamen');
    assert.ok(c3?.segments.has('vip'));
    const transitions = driver
      .createOutputTopic<string, TransitionOut>(topics.transitions)
      .readValues()
      .map((t) => `${t?.segment}:${t?.customerId}:${t?.change}@${t?.at}`);
    assert.deepEqual(transitions, ['vip:c3:enter@2000']);
  } finally {
    await driver.close();
  }
});

test('a backfill in steps visits every customer once', async () => {
  const { driver, event } = await open();
  try {
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];
    for (const [i, id] of ids.entries())
      await event(profile(id, 1_000 + i, { level: i % 2 === 0 ? 'vip' : 'standard' }));
    await publish(
      driver,
      { id: 'vip', kind: 'segment', when: { attr: 'level', eq: 'vip' } },
      2_000,
    );
    let steps = 0;
    while (await driver.stepBackgroundJobs()) steps += 1;
    // Seven customers two at a time: three steps with work left, then the last.
    assert.equal(steps, 3);
    const entered = driver
      .createOutputTopic<string, TransitionOut>(topics.transitions)
      .readValues()
      .map((t) => `${t?.customerId}:${t?.change}@${t?.at}`);
    assert.deepEqual(entered, ['c1:enter@2000', 'c3:enter@2000', 'c5:enter@2000', 'c7:enter@2000']);
  } finally {
    await driver.close();
  }
});

test('a customer who moves away between two broadcast steps is not touched by the alert', async () => {
  const { driver, event } = await open();
  try {
    await publish(
      driver,
      {
        id: 'weather',
        kind: 'trigger',
        on: { broadcast: 'weather_alert', match: { attr: 'city', prop: 'city' } },
        touch: { channel: 'sms', template: 'alert', params: { city: '${event.props.city}' } },
      },
      500,
    );
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5'])
      await event(profile(id, 1_000, { city: 'Wenzhou' }));
    await driver.pipeRaw(
      topics.broadcasts,
      null,
      jsonSerde.serialize({
        type: 'broadcast',
        id: 'w1',
        ts: 2_000,
        topic: 'weather_alert',
        props: { city: 'Wenzhou' },
      }),
      2_000,
    );
    // First step: c1 and c2 touched while c3 and c4 are read ahead.
    assert.equal(await driver.stepBackgroundJobs(), true);
    await event(profile('c3', 2_000, { city: 'Hangzhou' }));
    await event(profile('c9', 2_000, { city: 'Hangzhou' }));
    while (await driver.stepBackgroundJobs());
    const touched = driver
      .createOutputTopic<string, { customerId: string }>(topics.touches)
      .readValues()
      .map((touch) => touch?.customerId);
    assert.deepEqual(touched, ['c1', 'c2', 'c4', 'c5']);
  } finally {
    await driver.close();
  }
});
