import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApiApp, startApiServer } from '../../src/api/index.js';
import type { ApiServer, ApiToken } from '../../src/api/index.js';
import type { Rule } from '../../src/rules/index.js';
import { DAY, START, policyIssued, profile, startEngine } from '../runtime/support/engine.js';
import type { Engine } from '../runtime/support/engine.js';
import { FakeRulesPort } from './fake-rules-port.js';
import { instanceView } from '../support/instance-view.js';

const TOKENS: ApiToken[] = [{ token: 'tok-viewer', role: 'viewer' }];
const viewer = { authorization: 'Bearer tok-viewer' };

const RULES = [
  {
    id: 'zhejiang',
    kind: 'segment',
    name: 'Customers in Zhejiang',
    when: { attr: 'province', eq: 'Zhejiang' },
  },
  { id: 'auto', kind: 'segment', when: { policy: { product: 'auto', status: 'active' } } },
  { id: 'nobody', kind: 'segment', when: { attr: 'level', eq: 'diamond' } },
] as unknown as Rule[];

function rulesPort(): FakeRulesPort {
  const port = new FakeRulesPort();
  for (const rule of RULES) port.current.set(rule.id, rule);
  return port;
}

async function engineWithCustomers(): Promise<Engine> {
  const engine = await startEngine({ rules: RULES as never, partitions: 3 });
  const people: [string, string, string, string, number][] = [
    ['c1', 'Zhejiang', 'Hangzhou', 'female', 31],
    ['c2', 'Zhejiang', 'Wenzhou', 'male', 52],
    ['c3', 'Zhejiang', 'Hangzhou', 'female', 24],
    ['c4', 'Jiangsu', 'Suzhou', 'male', 40],
  ];
  let ts = START;
  for (const [id, province, city, gender, age] of people) {
    await engine.event(profile(id, (ts += 1_000), { province, city, gender, age, level: 'gold' }));
  }
  await engine.event(policyIssued('c1', (ts += 1_000), 'P1'));
  await engine.event(policyIssued('c4', (ts += 1_000), 'P2'));
  // c3 moves away a day later: the insight follows without a scan.
  await engine.event(profile('c3', ts + DAY, { province: 'Fujian', city: 'Xiamen' }));
  return engine;
}

test('segments are listed with exact live sizes, largest first, empty ones included', async () => {
  const engine = await engineWithCustomers();
  try {
    const api = await buildApiApp({ tokens: TOKENS, queries: engine.driver, rules: rulesPort() });
    const answer = await api.app.inject({ method: 'GET', url: '/segments', headers: viewer });
    assert.equal(answer.statusCode, 200);
    assert.deepEqual(answer.json().segments, [
      { id: 'auto', name: null, size: 2 },
      { id: 'zhejiang', name: 'Customers in Zhejiang', size: 2 },
      { id: 'nobody', name: null, size: 0 },
    ]);
  } finally {
    await engine.close();
  }
});

test('a segment insight gives its members by dimension and its size over time', async () => {
  const engine = await engineWithCustomers();
  try {
    const api = await buildApiApp({ tokens: TOKENS, queries: engine.driver, rules: rulesPort() });
    const answer = await api.app.inject({
      method: 'GET',
      url: '/segments/zhejiang/insight',
      headers: viewer,
    });
    assert.equal(answer.statusCode, 200);
    const insight = answer.json();
    assert.equal(insight.size, 2);
    assert.deepEqual(insight.distribution.city, [
      { value: 'Hangzhou', members: 1, share: 0.5 },
      { value: 'Wenzhou', members: 1, share: 0.5 },
    ]);
    assert.deepEqual(
      insight.distribution.ageBand.map((entry: { value: string }) => entry.value),
      ['25-34', '45-54'],
    );
    assert.deepEqual(insight.distribution.product, [{ value: 'auto', members: 1, share: 0.5 }]);
    const daily = insight.history.daily.map((point: { size: number }) => point.size);
    assert.deepEqual(daily, [3, 2], 'three members the first day, two after c3 moved');
  } finally {
    await engine.close();
  }
});

test('the segment routes answer 404 for an unknown segment, 400 for a bad id and 401 without a token', async () => {
  const engine = await engineWithCustomers();
  try {
    const api = await buildApiApp({ tokens: TOKENS, queries: engine.driver, rules: rulesPort() });
    const missing = await api.app.inject({ url: '/segments/none/insight', headers: viewer });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error, 'TS_API_NOT_FOUND');
    const long = await api.app.inject({
      url: `/segments/${'x'.repeat(201)}/insight`,
      headers: viewer,
    });
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /params\.id|id/);
    const anonymous = await api.app.inject({ url: '/segments' });
    assert.equal(anonymous.statusCode, 401);
  } finally {
    await engine.close();
  }
});

test('any instance answers with every instance’s share, and refuses a partial answer', async () => {
  const engine = await engineWithCustomers();
  const servers: ApiServer[] = [];
  try {
    const single = await buildApiApp({
      tokens: TOKENS,
      queries: engine.driver,
      rules: rulesPort(),
    });
    const expected = (
      await single.app.inject({ url: '/segments/zhejiang/insight', headers: viewer })
    ).json();
    const b = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      tokens: TOKENS,
      rules: rulesPort(),
    });
    servers.push(b);
    const a = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      tokens: TOKENS,
      rules: rulesPort(),
    });
    servers.push(a);
    const addressA = `http://127.0.0.1:${a.port}`;
    const addressB = `http://127.0.0.1:${b.port}`;
    const instances = () => [addressA, addressB];
    a.attachQueries(
      instanceView(engine.driver, { address: addressA, partitions: [0, 1], instances }),
    );
    b.attachQueries(instanceView(engine.driver, { address: addressB, partitions: [2], instances }));
    const merged = await a.app.inject({ url: '/segments/zhejiang/insight', headers: viewer });
    assert.equal(merged.statusCode, 200);
    assert.deepEqual(merged.json(), expected);

    // B forgets partition 2 (a rebalance moving it): no silently partial answer.
    b.attachQueries(instanceView(engine.driver, { address: addressB, partitions: [], instances }));
    const partial = await a.app.inject({ url: '/segments', headers: viewer });
    assert.equal(partial.statusCode, 503);
    assert.ok(partial.headers['retry-after'] !== undefined);
    assert.equal(partial.json().error, 'TS_API_PARTITION_UNAVAILABLE');
  } finally {
    for (const server of servers) await server.close();
    await engine.close();
  }
});
