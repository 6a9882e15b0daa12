import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { startApiServer } from '../../src/api/index.js';
import type { ApiServer, ApiToken } from '../../src/api/index.js';
import { RuleHistory } from '../../src/cli/rule-history.js';
import { KafkaRulesPort } from '../../src/cli/rules-port-adapter.js';
import type { RulesEngineView } from '../../src/cli/rules-port-adapter.js';
import { startEmbeddedKafka } from '../../src/embedded/index.js';
import { createKafkaClient, ensureTopics } from '../../src/io/index.js';
import type { SegmentRule } from '../../src/rules/index.js';
import type { TopologyTestDriver } from '../../src/runtime/index.js';
import { START, profile, startEngine, tagAdded } from '../runtime/support/engine.js';
import { instanceView } from '../support/instance-view.js';

const TOKENS: ApiToken[] = [{ token: 'tok-operator', role: 'operator' }];
const vipRule = { id: 'vip', kind: 'segment', when: { tag: 'vip' } };
const inXiamen: SegmentRule = { id: 'xm', kind: 'segment', when: { attr: 'city', eq: 'Xiamen' } };
const noKafka = {} as Kafka;

/** One engine's state seen as an instance that owns some of the partitions. */
function rulesEngineView(
  driver: TopologyTestDriver,
  address: string,
  owned: readonly number[],
  instances: () => string[],
): RulesEngineView {
  return {
    ...instanceView(driver, { address, partitions: owned, instances }),
    globalStore: (name) => driver.getGlobalStore(name),
  };
}

async function engineWithCustomers() {
  const engine = await startEngine({
    rules: [vipRule, { id: 'broken', kind: 'segment' }],
    partitions: 4,
  });
  for (let i = 0; i < 20; i += 1) {
    const id = `c${String(i).padStart(2, '0')}`;
    await engine.event(profile(id, START + i, { city: i < 12 ? 'Xiamen' : 'Fuzhou' }));
    if (i % 4 === 0) await engine.event(tagAdded(id, START + i, 'vip'));
  }
  return engine;
}

function port(view: RulesEngineView, history = new RuleHistory(), kafka = noKafka) {
  return new KafkaRulesPort({
    kafka,
    rulesTopic: 'touchstream.rules',
    engine: view,
    history,
    retentionMs: 90 * 86_400_000,
    forwardTimeoutMs: 2_000,
  });
}

test('lists the rules in force from the rules table, and reads one with its history', async () => {
  const engine = await engineWithCustomers();
  try {
    const history = new RuleHistory();
    history.record('vip', { ...vipRule, name: 'old' }, 1);
    history.record('vip', vipRule, 2);
    const rules = port(
      rulesEngineView(engine.driver, 'http://a', [0, 1, 2, 3], () => []),
      history,
    );
    assert.deepEqual(
      await rules.list(),
      [vipRule],
      'a table value the engine refuses is not in force',
    );
    const detail = await rules.get('vip');
    assert.deepEqual(detail?.rule, vipRule);
    assert.deepEqual(
      detail?.history.map((version) => [version.rule?.name, version.ts]),
      [
        [undefined, 2],
        ['old', 1],
      ],
    );
    assert.equal(await rules.get('broken'), undefined);
    assert.equal(await rules.get('nope'), undefined);
  } finally {
    await engine.close();
  }
});

test('publishes an upsert and a tombstone on the rules topic, keyed by id, stamped by the clock', async () => {
  const broker = await startEmbeddedKafka({ port: 0 });
  const kafka = createKafkaClient({ brokers: broker.brokers, clientId: 'rules-port-test' });
  const engine = await startEngine();
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic: 'touchstream.rules', partitions: 1, compact: true }]);
  await admin.disconnect();
  const rules = new KafkaRulesPort({
    kafka,
    rulesTopic: 'touchstream.rules',
    engine: rulesEngineView(engine.driver, 'http://a', [0], () => []),
    history: new RuleHistory(),
    retentionMs: 1_000,
    forwardTimeoutMs: 1_000,
    clock: () => 1_700_000_000_123,
  });
  try {
    assert.deepEqual(await rules.publish(inXiamen), { id: 'xm', ts: 1_700_000_000_123 });
    assert.deepEqual(await rules.remove('xm'), { id: 'xm', ts: 1_700_000_000_123 });
    const records = broker.records('touchstream.rules', 0).filter((record) => !record.isControl);
    assert.deepEqual(
      records.map((record) => [
        record.key?.toString(),
        record.value?.toString() ?? null,
        record.timestamp,
      ]),
      [
        ['xm', JSON.stringify(inXiamen), 1_700_000_000_123],
        ['xm', null, 1_700_000_000_123],
      ],
    );
  } finally {
    await rules.close();
    await engine.close();
    await broker.close();
  }
});

test('a preview merges every instance share, asked over HTTP with the caller token', async () => {
  const engine = await engineWithCustomers();
  let peer: ApiServer | undefined;
  try {
    peer = await startApiServer({ host: '127.0.0.1', port: 0, tokens: TOKENS });
    const peerAddress = `http://127.0.0.1:${peer.port}`;
    const instances = () => ['http://asker', peerAddress];
    peer.attachRules(port(rulesEngineView(engine.driver, peerAddress, [2, 3], instances)));
    const asker = port(rulesEngineView(engine.driver, 'http://asker', [0, 1], instances));
    const whole = port(rulesEngineView(engine.driver, 'http://alone', [0, 1, 2, 3], () => []));
    const expected = await whole.previewSegment(inXiamen, 5);
    assert.equal(expected.count, 12);
    const merged = await asker.previewSegment(inXiamen, 5, {
      authorization: 'Bearer tok-operator',
    });
    assert.deepEqual(merged, expected);
    assert.deepEqual(
      merged.sample.map((customer) => customer.customerId),
      ['c00', 'c01', 'c02', 'c03', 'c04'],
    );
    await assert.rejects(
      asker.previewSegment(inXiamen, 5, { authorization: 'Bearer wrong' }),
      (error: { code?: string; message: string }) =>
        error.code === 'TS_API_PEER_UNAVAILABLE' && /HTTP 401/.test(error.message),
      'the peer checks the token it was given',
    );
  } finally {
    await peer?.close();
    await engine.close();
  }
});

test('a preview is refused with a retryable 503 unless the instances cover every partition exactly once', async () => {
  const engine = await engineWithCustomers();
  const peer = await startApiServer({ host: '127.0.0.1', port: 0, tokens: TOKENS });
  const peerAddress = `http://127.0.0.1:${peer.port}`;
  const caller = { authorization: 'Bearer tok-operator' };
  try {
    const instances = () => ['http://asker', peerAddress];
    const refusal = async (askerOwns: number[], peerOwns: number[]) => {
      peer.attachRules(port(rulesEngineView(engine.driver, peerAddress, peerOwns, instances)));
      const asker = port(rulesEngineView(engine.driver, 'http://asker', askerOwns, instances));
      try {
        await asker.previewSegment(inXiamen, 5, caller);
      } catch (error) {
        return error as { code: string; details: Record<string, unknown>; retryable: boolean };
      }
      assert.fail('the preview should have been refused');
    };
    const gap = await refusal([0, 1], [3]);
    assert.equal(gap.code, 'TS_API_PARTITION_UNAVAILABLE');
    assert.deepEqual(gap.details, { partition: 2, reason: 'unanswered' });
    assert.equal(gap.retryable, true);
    const overlap = await refusal([0, 1, 2], [2, 3]);
    assert.deepEqual(overlap.details, { partition: 2, reason: 'moving' });
    await peer.close();
    const down = await refusal([0, 1], [2, 3]);
    assert.equal(down.code, 'TS_API_PEER_UNAVAILABLE');
  } finally {
    await peer.close();
    await engine.close();
  }
});

test('rule history keeps the newest versions per id and forgets the ids changed least recently', () => {
  const history = new RuleHistory(2, 2);
  history.record('a', { id: 'a', v: 1 }, 1);
  history.record('a', { id: 'a', v: 2 }, 2);
  history.record('a', null, 3);
  assert.deepEqual(
    history.of('a').map((version) => [version.rule === null ? null : 'rule', version.ts]),
    [
      [null, 3],
      ['rule', 2],
    ],
  );
  history.record('b', { id: 'b' }, 4);
  history.record('a', { id: 'a' }, 5);
  history.record('c', { id: 'c' }, 6);
  assert.deepEqual(history.of('b'), [], 'b changed least recently');
  assert.equal(history.of('a').length, 2);
  assert.equal(history.of('c').length, 1);
});
