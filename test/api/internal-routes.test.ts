import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { buildApiApp } from '../../src/api/index.js';
import type { ApiToken } from '../../src/api/index.js';
import { RuleHistory } from '../../src/cli/rule-history.js';
import { KafkaRulesPort } from '../../src/cli/rules-port-adapter.js';
import { START, profile, startEngine } from '../runtime/support/engine.js';

const TOKENS: ApiToken[] = [
  { token: 'tok-operator', role: 'operator' },
  { token: 'tok-viewer', role: 'viewer' },
];

async function apiOverEngine() {
  const engine = await startEngine({ partitions: 3 });
  for (let i = 0; i < 9; i += 1)
    await engine.event(profile(`c${i}`, START + i, { level: i < 4 ? 'gold' : 'silver' }));
  const rules = new KafkaRulesPort({
    kafka: {} as Kafka,
    rulesTopic: engine.topics.rules,
    engine: { ...bind(engine.driver), globalStore: (name) => engine.driver.getGlobalStore(name) },
    history: new RuleHistory(),
    retentionMs: 90 * 86_400_000,
    forwardTimeoutMs: 1_000,
  });
  const api = await buildApiApp({ tokens: TOKENS, rules, queries: engine.driver });
  return { engine, api };
}

function bind(driver: Awaited<ReturnType<typeof startEngine>>['driver']) {
  return {
    apiAddress: driver.apiAddress,
    queryStore: driver.queryStore.bind(driver),
    localStores: driver.localStores.bind(driver),
    storePartitions: driver.storePartitions.bind(driver),
    instanceAddresses: driver.instanceAddresses.bind(driver),
  };
}

const gold = { id: 'gold', kind: 'segment', when: { attr: 'level', eq: 'gold' } };

test('an instance share of a preview counts its own partitions of live customer state', async () => {
  const { engine, api } = await apiOverEngine();
  try {
    const res = await api.app.inject({
      method: 'POST',
      url: '/internal/preview',
      headers: { authorization: 'Bearer tok-operator' },
      payload: { rule: gold, sampleSize: 2 },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      count: 4,
      sample: [
        { customerId: 'c0', attributes: { level: 'gold' } },
        { customerId: 'c1', attributes: { level: 'gold' } },
      ],
      partitions: [0, 1, 2],
    });
    const whole = await api.app.inject({
      method: 'POST',
      url: '/rules/preview',
      headers: { authorization: 'Bearer tok-operator' },
      payload: { rule: gold, sampleSize: 2 },
    });
    assert.deepEqual(whole.json(), { count: 4, sample: res.json().sample });
  } finally {
    await engine.close();
  }
});

test('the internal preview checks role, body and rule like the public one', async () => {
  const { engine, api } = await apiOverEngine();
  try {
    const ask = (payload: object, token = 'tok-operator') =>
      api.app.inject({
        method: 'POST',
        url: '/internal/preview',
        headers: { authorization: `Bearer ${token}` },
        payload,
      });
    assert.equal((await ask({ rule: gold, sampleSize: 2 }, 'tok-viewer')).statusCode, 403);
    const noSize = await ask({ rule: gold });
    assert.equal(noSize.statusCode, 400);
    assert.equal(noSize.json().field, 'body.sampleSize');
    const trigger = await ask({
      rule: {
        id: 't',
        kind: 'trigger',
        on: { event: 'claim.settled' },
        touch: { channel: 'sms', template: 'x' },
      },
      sampleSize: 1,
    });
    assert.equal(trigger.json().field, 'body.rule.kind');
    const invalid = await ask({
      rule: { id: 'x', kind: 'segment', when: { attr: 'a', zz: 1 } },
      sampleSize: 1,
    });
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.json().field, /^body\.rule\.when/);
  } finally {
    await engine.close();
  }
});
