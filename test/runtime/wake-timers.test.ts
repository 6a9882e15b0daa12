/**
 * Each customer's state records where its wake timer is set, so that moving the timer needs no
 * read of the timer store. This checks that record against the timer store itself after random
 * events, time passing, a broadcast and rule changes, on 2 partitions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timerId } from '../../src/operators/index.js';
import type { CustomerState } from '../../src/rules/index.js';
import {
  InMemoryCluster,
  RULE_ENGINE_NODE,
  STORES,
  TIMER_STORE,
  TopologyTestDriver,
  buildTouchstreamTopology,
} from '../../src/runtime/index.js';
import { TimeQueue } from '../../src/state/index.js';
import type { Bytes } from '../../src/state/index.js';
import { jsonSerde, stringSerde } from '../../src/topology/index.js';

const PARTITIONS = 2;
const T0 = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;

const RULES = [
  { id: 'active', kind: 'segment', when: { event: 'app_open', within: '2d', count: { gte: 2 } } },
  { id: 'renewal', kind: 'segment', when: { policy: { expiresWithin: '10d' } } },
  {
    id: 'remind',
    kind: 'trigger',
    on: { enter: 'renewal' },
    delay: '1d',
    touch: { channel: 'sms', template: 'renewal' },
  },
  {
    id: 'alert',
    kind: 'trigger',
    on: { broadcast: 'weather_alert', match: { attr: 'city', prop: 'city' } },
    delay: '1h',
    touch: { channel: 'sms', template: 'alert' },
  },
];

/** Checks every customer's recorded wake against the id index and the time index of the timer store. */
async function checkWakes(driver: TopologyTestDriver): Promise<number> {
  let checked = 0;
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const store = driver.getStore<Bytes>(TIMER_STORE, partition);
    const timers = new TimeQueue(store, 's');
    // Time-index keys are 's' 't' <time: 14 hex digits> ':' <timer id>: count each timer id's entries.
    const entries = new Map<string, number>();
    for await (const { key } of store.range({ gte: 'st', lt: 'su' })) {
      const id = key.slice('st'.length + 14 + 1);
      entries.set(id, (entries.get(id) ?? 0) + 1);
    }
    for await (const { key, value } of driver
      .getStore<CustomerState>(STORES.customers, partition)
      .range()) {
      const id = timerId(RULE_ENGINE_NODE, 'wake', key);
      const stored = timers.timeOf(id) ?? Infinity;
      assert.equal(
        value.wake,
        stored,
        `customer ${key}: state says ${value.wake}, store ${stored}`,
      );
      const expected = Number.isFinite(value.wake) ? 1 : 0;
      assert.equal(entries.get(id) ?? 0, expected, `customer ${key}: time-index entries`);
      checked += 1;
    }
  }
  return checked;
}

test('every customer state records exactly where its wake timer is set', async () => {
  const { topology, topics } = buildTouchstreamTopology({ backend: 'memory' });
  const cluster = new InMemoryCluster();
  const rulesTopic = cluster.ensureTopic(topics.rules, 1);
  for (const rule of RULES) {
    rulesTopic.append(0, {
      key: stringSerde.serialize(rule.id),
      value: jsonSerde.serialize(rule),
      timestamp: 0,
    });
  }
  const stateDir = mkdtempSync(join(tmpdir(), 'wake-timers-'));
  const driver = await TopologyTestDriver.create(topology, {
    cluster,
    stateDir,
    partitions: PARTITIONS,
  });
  try {
    let seed = 11;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    let ts = T0;
    const pipe = (topic: string, key: string | null, event: Record<string, unknown>) =>
      driver.pipeRaw(
        topic,
        key === null ? null : stringSerde.serialize(key),
        jsonSerde.serialize(event),
        ts,
      );
    for (let i = 0; i < 600; i++) {
      ts += Math.floor(next() * 6 * 3_600_000);
      const customerId = `c${Math.floor(next() * 25)}`;
      const roll = next();
      const base = { id: `e${i}`, ts, customerId };
      if (roll < 0.5)
        await pipe(topics.events, customerId, { ...base, type: 'behaviour', action: 'app_open' });
      else if (roll < 0.75)
        await pipe(topics.events, customerId, {
          ...base,
          type: 'policy.renewed',
          policyId: 'p1',
          product: 'auto',
          startDate: ts - 300 * DAY,
          endDate: ts + Math.floor(next() * 30) * DAY,
          premium: 900,
        });
      else
        await pipe(topics.events, customerId, {
          ...base,
          type: 'customer.profile',
          attrs: { city: next() < 0.5 ? 'Xiamen' : 'Wuhan' },
        });
      if (i === 300) {
        await pipe(topics.broadcasts, null, {
          type: 'broadcast',
          id: 'w1',
          ts,
          topic: 'weather_alert',
          props: { city: 'Xiamen' },
        });
      }
      if (i === 400) {
        // A time condition changes: remembered wakes are forgotten and the store is read again.
        await driver.pipeRaw(
          topics.rules,
          stringSerde.serialize('active'),
          jsonSerde.serialize({
            id: 'active',
            kind: 'segment',
            when: { event: 'app_open', within: '3d' },
          }),
          ts,
        );
      }
    }
    assert.ok((await checkWakes(driver)) >= 20);
    ts += 40 * DAY;
    await pipe(topics.events, null, { type: 'clock', id: 'end', ts });
    await checkWakes(driver);
  } finally {
    await driver.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
});
