/**
 * Segment insight is kept incrementally by the rule engine; this checks it against a recount from
 * the customers' states after random profile, policy, behaviour and rule changes on 3 partitions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_INSIGHT_ATTRIBUTES,
  PRODUCT_DIMENSION,
  SINGLE_DIMENSIONS,
  customerDimensions,
  mergeTallies,
} from '../../src/rules/index.js';
import type { CustomerState, SegmentTally, SegmentTallyJson } from '../../src/rules/index.js';
import {
  InMemoryCluster,
  STORES,
  TopologyTestDriver,
  buildTouchstreamTopology,
} from '../../src/runtime/index.js';
import { jsonSerde, stringSerde } from '../../src/topology/index.js';
import { seededRandom } from '../../src/cli/dev/synthetic-events.js';

const PARTITIONS = 3;
const T0 = Date.UTC(2026, 5, 1);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const SEGMENTS = [
  { id: 'zhejiang', kind: 'segment', when: { attr: 'province', eq: 'Zhejiang' } },
  { id: 'gold', kind: 'segment', when: { attr: 'level', eq: 'gold' } },
  { id: 'active', kind: 'segment', when: { event: 'app_open', within: '2d', count: { gte: 2 } } },
  {
    id: 'auto-renewal',
    kind: 'segment',
    when: { policy: { product: 'auto', expiresWithin: '30d' } },
  },
  {
    id: 'gold-zhejiang',
    kind: 'segment',
    when: { all: [{ segment: 'gold' }, { segment: 'zhejiang' }] },
  },
];

async function recount(driver: TopologyTestDriver): Promise<Map<string, SegmentTallyJson>> {
  const members = new Map<string, CustomerState[]>();
  for (let partition = 0; partition < PARTITIONS; partition++) {
    for await (const { value } of driver
      .getStore<CustomerState>(STORES.customers, partition)
      .range()) {
      for (const segment of value.segments) {
        const list = members.get(segment) ?? [];
        list.push(value);
        members.set(segment, list);
      }
    }
  }
  const expected = new Map<string, SegmentTallyJson>();
  for (const [segment, states] of members) {
    const dimensions: Record<string, Map<string, number>> = {};
    const bump = (dimension: string, value: string) => {
      dimensions[dimension] ??= new Map();
      dimensions[dimension].set(value, (dimensions[dimension].get(value) ?? 0) + 1);
    };
    for (const state of states) {
      const dims = customerDimensions(state, DEFAULT_INSIGHT_ATTRIBUTES);
      SINGLE_DIMENSIONS.forEach((dimension, i) => bump(dimension, dims.values[i]));
      for (const product of dims.products) bump(PRODUCT_DIMENSION, product);
    }
    const json: SegmentTallyJson = {
      segment,
      size: states.length,
      dimensions: {},
      hourly: [],
      daily: [],
    };
    for (const [dimension, values] of Object.entries(dimensions))
      json.dimensions[dimension] = [...values];
    expected.set(segment, mergeTallies(segment, [json]));
  }
  return expected;
}

async function tallies(driver: TopologyTestDriver): Promise<Map<string, SegmentTallyJson>> {
  const parts = new Map<string, SegmentTallyJson[]>();
  for (let partition = 0; partition < PARTITIONS; partition++) {
    for await (const { key, value } of driver
      .getStore<SegmentTally>(STORES.segmentStats, partition)
      .range()) {
      parts.set(key, [...(parts.get(key) ?? []), value.toJSON()]);
    }
  }
  const merged = new Map<string, SegmentTallyJson>();
  for (const [segment, list] of parts) {
    const one = mergeTallies(segment, list);
    if (one.size > 0) merged.set(segment, one);
  }
  return merged;
}

function withoutHistory(map: Map<string, SegmentTallyJson>) {
  return Object.fromEntries(
    [...map]
      .sort()
      .map(([segment, json]) => [segment, { size: json.size, dimensions: json.dimensions }]),
  );
}

test('segment insight equals a recount from the customers after random changes, time and rule edits', async () => {
  const { topology, topics } = buildTouchstreamTopology({ backend: 'memory' });
  const cluster = new InMemoryCluster();
  const rulesTopic = cluster.ensureTopic(topics.rules, 1);
  const publish = (rule: { id: string } | null, id: string, ts: number) =>
    rulesTopic.append(0, {
      key: stringSerde.serialize(id),
      value: rule === null ? null : jsonSerde.serialize(rule),
      timestamp: ts,
    });
  for (const rule of SEGMENTS) publish(rule, rule.id, 0);
  const stateDir = mkdtempSync(join(tmpdir(), 'insight-'));
  const driver = await TopologyTestDriver.create(topology, {
    cluster,
    stateDir,
    partitions: PARTITIONS,
  });
  try {
    const next = seededRandom(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    let ts = T0;
    const send = async (event: Record<string, unknown>) =>
      driver.pipeRaw(
        topics.events,
        stringSerde.serialize(event.customerId as string),
        jsonSerde.serialize(event),
        ts,
      );
    for (let i = 0; i < 1500; i++) {
      ts += Math.floor(next() * 2 * HOUR);
      const customerId = `c${Math.floor(next() * 40)}`;
      const base = { id: `e${i}`, ts, customerId };
      const roll = next();
      if (roll < 0.45) {
        await send({
          ...base,
          type: 'customer.profile',
          attrs: {
            province: pick(['Zhejiang', 'Jiangsu', null]),
            city: pick(['Hangzhou', 'Wenzhou', 'Suzhou']),
            level: pick(['gold', 'silver', null]),
            gender: pick(['female', 'male']),
            age: pick([22, 31, 47, 70, null]),
          },
        });
      } else if (roll < 0.6) {
        await send({
          ...base,
          type: pick(['policy.issued', 'policy.renewed']),
          policyId: `p${Math.floor(next() * 3)}`,
          product: pick(['auto', 'home']),
          startDate: ts - 300 * DAY,
          endDate: ts + Math.floor(next() * 60) * DAY,
          premium: 1000,
        });
      } else if (roll < 0.65) {
        await send({ ...base, type: 'policy.cancelled', policyId: `p${Math.floor(next() * 3)}` });
      } else {
        await send({ ...base, type: 'behaviour', action: 'app_open' });
      }
      if (i === 700) {
        // Replaced: its members are recomputed by a backfill.
        await driver.pipeRaw(
          topics.rules,
          stringSerde.serialize('gold'),
          jsonSerde.serialize({
            id: 'gold',
            kind: 'segment',
            when: { attr: 'level', in: ['gold', 'silver'] },
          }),
          ts,
        );
      }
      if (i === 900) {
        const expected = await recount(driver);
        assert.ok(expected.size >= 4, 'mid-run, most segments have members');
        assert.deepEqual(withoutHistory(await tallies(driver)), withoutHistory(expected));
      }
      if (i === 1000)
        await driver.pipeRaw(topics.rules, stringSerde.serialize('zhejiang'), null, ts);
    }
    // Let time-driven exits happen (windows close, policies expire).
    ts += 5 * DAY;
    await driver.pipeRaw(
      topics.events,
      null,
      jsonSerde.serialize({ type: 'clock', id: 'tick', ts }),
      ts,
    );
    const got = await tallies(driver);
    const expected = await recount(driver);
    assert.ok(expected.size >= 2, 'the scenario leaves several segments with members');
    assert.equal(got.has('zhejiang'), false, 'a deleted segment keeps no tally');
    assert.deepEqual(withoutHistory(got), withoutHistory(expected));
  } finally {
    await driver.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
});
