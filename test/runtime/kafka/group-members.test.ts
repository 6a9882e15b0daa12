/**
 * Two KafkaStreams instances in child processes sharing one application id against an embedded
 * broker: the partitions spread over both, a `kill -9` moves the dead member's tasks to the
 * survivor, and the outputs stay what `replay` computes from the same rules and events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Touch, Transition } from '../../../src/rules/index.js';
import { ChildInstance } from './support/child-instance.js';
import { TestCluster, valuesOf } from './support/cluster.js';
import type { OutputRecord } from './support/cluster.js';
import { duplicates, memberships, replayOutcome, touchIdentity, touchLines } from './support/outcome.js';
import type { Outcome } from './support/outcome.js';
import { RULES, broadcastEvent, customerEvents, lastTs } from './support/scenario.js';
import type { ScenarioEvent } from './support/scenario.js';
import { sleep, waitFor } from './support/wait.js';

const APP_ID = 'touchstream-it';
const PARTITIONS = 8;
const ALL_TASKS = Array.from({ length: PARTITIONS }, (_, p) => `0_${p}`).sort();

function outcomeOf(cluster: TestCluster, records: readonly OutputRecord[]): Outcome & { touchKeys: string[] } {
  const touches = valuesOf<Touch>(records, cluster.topics.touches);
  return {
    memberships: memberships(valuesOf<Transition>(records, cluster.topics.transitions)),
    touches: touchLines(touches),
    touchKeys: touches.map(touchIdentity),
  };
}

/** Waits until the outputs hold as many touches as replay made and the memberships agree. */
async function awaitOutcome(cluster: TestCluster, records: readonly OutputRecord[], expected: Outcome, timeoutMs: number): Promise<void> {
  await waitFor(
    () => {
      const actual = outcomeOf(cluster, records);
      return actual.touches.length >= expected.touches.length && actual.memberships.join() === expected.memberships.join();
    },
    { timeoutMs, what: `${expected.touches.length} touches and ${expected.memberships.length} memberships on the outputs` },
  );
}

async function stateDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `kafka-it-${name}-`));
}

test('two instances share the partitions of the events topic and together produce every output', async (t) => {
  const cluster = await TestCluster.start({ partitions: PARTITIONS, rules: RULES });
  const instances: ChildInstance[] = [];
  t.after(async () => {
    for (const instance of instances) await instance.kill().catch(() => undefined);
    await cluster.close();
  });
  const events = customerEvents({ customers: 48 });
  const broadcast = broadcastEvent('b1', lastTs(events) + 60_000, 'SH');
  const expected = await replayOutcome(RULES, [...events, broadcast]);
  assert.ok(expected.touches.length > 50 && expected.memberships.length > 30, 'the scenario exercises the rules');

  const records = await cluster.reader([cluster.topics.transitions, cluster.topics.touches]);
  for (const id of ['a', 'b']) {
    instances.push(ChildInstance.spawn({ brokers: cluster.broker.brokers, instanceId: id, stateDir: await stateDir(id) }));
  }
  await Promise.all(instances.map((instance) => instance.started()));
  await cluster.produce(events);
  await waitFor(() => cluster.caughtUp(APP_ID, cluster.topics.events), { timeoutMs: 30_000, what: 'the group to commit the whole events topic' });
  await cluster.produce([broadcast]);
  await awaitOutcome(cluster, records, expected, 30_000);

  const [a, b] = await Promise.all(instances.map((instance) => instance.tasks()));
  assert.ok(a.length > 0 && b.length > 0, `both instances have tasks: a=${a.join()} b=${b.join()}`);
  assert.deepEqual(
    [...a, ...b].sort(),
    ALL_TASKS,
    `every partition has exactly one task; a=${a.join()} b=${b.join()}; rebalances: ${instances.map((i) => `${i.instanceId}: ${JSON.stringify(i.logs('rebalance'))}`).join('; ')}`,
  );
  await sleep(500); // anything extra (a duplicate) would have arrived by now
  const actual = outcomeOf(cluster, records);
  assert.deepEqual(actual.memberships, expected.memberships);
  assert.deepEqual(actual.touches, expected.touches);
  assert.deepEqual(duplicates(actual.touchKeys), []);
  await Promise.all(instances.map((instance) => instance.stop()));
});

test('after a kill -9 mid-stream the survivor restores the lost tasks and the outputs equal replay without duplicates', async (t) => {
  const cluster = await TestCluster.start({ partitions: PARTITIONS, rules: RULES });
  const instances: ChildInstance[] = [];
  t.after(async () => {
    for (const instance of instances) await instance.kill().catch(() => undefined);
    await cluster.close();
  });
  const events = customerEvents({ customers: 64 });
  const broadcast = broadcastEvent('b1', lastTs(events) + 60_000, 'BJ');
  const expected = await replayOutcome(RULES, [...events, broadcast]);

  const records = await cluster.reader([cluster.topics.transitions, cluster.topics.touches]);
  for (const id of ['a', 'b']) {
    instances.push(ChildInstance.spawn({ brokers: cluster.broker.brokers, instanceId: id, stateDir: await stateDir(id), transactionTimeoutMs: 5_000 }));
  }
  const [survivor, victim] = instances;
  await Promise.all(instances.map((instance) => instance.started()));
  await waitFor(async () => (await victim.tasks()).length > 0 && (await survivor.tasks()).length > 0, {
    timeoutMs: 20_000,
    what: 'both instances to own tasks',
  });

  const chunks: ScenarioEvent[][] = [];
  for (let i = 0; i < events.length; i += 24) chunks.push(events.slice(i, i + 24));
  const killAt = Math.floor(chunks.length / 3);
  for (const [index, chunk] of chunks.entries()) {
    if (index === killAt) {
      await waitFor(() => valuesOf<Touch>(records, cluster.topics.touches).length > 0, { timeoutMs: 20_000, what: 'the first touches' });
      await victim.kill();
    }
    await cluster.produce(chunk);
    await sleep(30);
  }
  await waitFor(() => cluster.caughtUp(APP_ID, cluster.topics.events), { timeoutMs: 60_000, what: 'the survivor to commit the whole events topic' });
  assert.deepEqual(await survivor.tasks(), ALL_TASKS, 'the survivor owns every task');
  const restored = survivor.logs('task restored').filter((fields) => Object.values(fields.restored as Record<string, number>).some((n) => n > 0));
  assert.ok(restored.length > 0, 'the survivor restored state from the changelogs');

  await cluster.produce([broadcast]);
  await awaitOutcome(cluster, records, expected, 60_000);
  await sleep(500);
  const actual = outcomeOf(cluster, records);
  assert.deepEqual(actual.memberships, expected.memberships);
  assert.deepEqual(actual.touches, expected.touches);
  assert.deepEqual(duplicates(actual.touchKeys), [], 'a read_committed reader sees each touch once');
  await survivor.stop();
});

test(
  'two instances with a 3 s session timeout form one stable group with disjoint tasks',
  {
    todo:
      'BUG: src/runtime/kafka/kafka-streams.ts:248-255 leaves the consumer fetch long-poll (maxWaitTimeInMs) at kafkajs\' 5 s default; ' +
      'kafkajs heartbeats only between fetches, so with sessionTimeoutMs < ~5 s an idle member misses its session, the group flaps ' +
      'between one-member generations and the expelled member keeps all its tasks open (reconcile runs only on GROUP_JOIN)',
  },
  async (t) => {
    const cluster = await TestCluster.start({ partitions: PARTITIONS, rules: RULES });
    const instances: ChildInstance[] = [];
    t.after(async () => {
      for (const instance of instances) await instance.kill().catch(() => undefined);
      await cluster.close();
    });
    for (const id of ['a', 'b']) {
      instances.push(
        ChildInstance.spawn({ brokers: cluster.broker.brokers, instanceId: id, stateDir: await stateDir(id), sessionTimeoutMs: 3_000, heartbeatIntervalMs: 300 }),
      );
    }
    await Promise.all(instances.map((instance) => instance.started()));
    // Idle for longer than the session timeout: a healthy group stays as it is.
    await waitFor(async () => (await cluster.admin.describeGroups([APP_ID])).groups[0]?.members.length === 2, {
      timeoutMs: 20_000,
      what: 'both instances in the group',
    });
    await sleep(7_000);
    const [group] = (await cluster.admin.describeGroups([APP_ID])).groups;
    assert.equal(group.members.length, 2, `members after 7 s idle: ${group.members.map((m) => m.clientId).join()}`);
    const [a, b] = await Promise.all(instances.map((instance) => instance.tasks()));
    assert.deepEqual([...a, ...b].sort(), ALL_TASKS, `a=${a.join()} b=${b.join()}`);
  },
);
