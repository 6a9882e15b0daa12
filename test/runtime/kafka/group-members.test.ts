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
import { TEST_TUNING } from './support/client-tuning.js';
import { TestCluster, valuesOf } from './support/cluster.js';
import type { OutputRecord } from './support/cluster.js';
import {
  duplicates,
  memberships,
  replayOutcome,
  touchIdentity,
  touchLines,
} from './support/outcome.js';
import type { Outcome } from './support/outcome.js';
import { RULES, broadcastEvent, customerEvents, lastTs } from './support/scenario.js';
import type { ScenarioEvent } from './support/scenario.js';
import { sleep, waitFor } from './support/wait.js';

const APP_ID = 'touchstream-it';
const PARTITIONS = 8;
const ALL_TASKS = Array.from({ length: PARTITIONS }, (_, p) => `0_${p}`).sort();

function outcomeOf(
  cluster: TestCluster,
  records: readonly OutputRecord[],
): Outcome & { touchKeys: string[] } {
  const touches = valuesOf<Touch>(records, cluster.topics.touches);
  return {
    memberships: memberships(valuesOf<Transition>(records, cluster.topics.transitions)),
    touches: touchLines(touches),
    touchKeys: touches.map(touchIdentity),
  };
}

/**
 * Waits until the outputs hold as many touches as replay made and the memberships agree; gives up
 * quietly at the timeout, so that the assertions after it show what differs.
 */
async function awaitOutcome(
  cluster: TestCluster,
  records: readonly OutputRecord[],
  expected: Outcome,
  timeoutMs: number,
): Promise<void> {
  await waitFor(
    () => {
      const actual = outcomeOf(cluster, records);
      return (
        actual.touches.length >= expected.touches.length &&
        actual.memberships.join() === expected.memberships.join()
      );
    },
    {
      timeoutMs,
      what: `${expected.touches.length} touches and ${expected.memberships.length} memberships on the outputs`,
    },
  ).catch(() => undefined);
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
  assert.ok(
    expected.touches.length > 50 && expected.memberships.length > 30,
    'the scenario exercises the rules',
  );

  const records = await cluster.reader([cluster.topics.transitions, cluster.topics.touches]);
  for (const id of ['a', 'b']) {
    instances.push(
      ChildInstance.spawn({
        brokers: cluster.broker.brokers,
        instanceId: id,
        stateDir: await stateDir(id),
      }),
    );
  }
  await Promise.all(instances.map((instance) => instance.started()));
  await cluster.produce(events);
  await waitFor(() => cluster.caughtUp(APP_ID, cluster.topics.events), {
    timeoutMs: 30_000,
    what: 'the group to commit the whole events topic',
  });
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
    instances.push(
      ChildInstance.spawn({
        brokers: cluster.broker.brokers,
        instanceId: id,
        stateDir: await stateDir(id),
        tuning: TEST_TUNING,
      }),
    );
  }
  const [survivor, victim] = instances;
  await Promise.all(instances.map((instance) => instance.started()));
  await waitFor(
    async () => (await victim.tasks()).length > 0 && (await survivor.tasks()).length > 0,
    {
      timeoutMs: 20_000,
      what: 'both instances to own tasks',
    },
  );

  const chunks: ScenarioEvent[][] = [];
  for (let i = 0; i < events.length; i += 24) chunks.push(events.slice(i, i + 24));
  const killAt = Math.floor(chunks.length / 3);
  let lost: string[] = [];
  for (const [index, chunk] of chunks.entries()) {
    if (index === killAt) {
      // The victim must have committed work on every partition it owns, or there is nothing to restore.
      lost = await victim.tasks();
      await waitFor(
        async () => {
          const committed = await cluster.committed(APP_ID, cluster.topics.events);
          return lost.every((taskId) => (committed.get(Number(taskId.split('_')[1])) ?? -1) > 0);
        },
        { timeoutMs: 20_000, what: `commits on the victim's partitions ${lost.join()}` },
      );
      await victim.kill();
    }
    await cluster.produce(chunk);
    await sleep(30);
  }
  await waitFor(() => cluster.caughtUp(APP_ID, cluster.topics.events), {
    timeoutMs: 60_000,
    what: 'the survivor to commit the whole events topic',
  });
  assert.deepEqual(await survivor.tasks(), ALL_TASKS, 'the survivor owns every task');
  // The last time the survivor opened each task it lost to the victim, it read the victim's changelog.
  const restored = new Map<string, number>();
  for (const fields of survivor.logs('task restored')) {
    restored.set(
      String(fields.taskId),
      Object.values(fields.restored as Record<string, number>).reduce((sum, n) => sum + n, 0),
    );
  }
  assert.ok(
    lost.length > 0 && lost.every((taskId) => (restored.get(taskId) ?? 0) > 0),
    `restored ${JSON.stringify([...restored])} for lost ${lost.join()}`,
  );

  await cluster.produce([broadcast]);
  await awaitOutcome(cluster, records, expected, 60_000);
  await sleep(500);
  const actual = outcomeOf(cluster, records);
  assert.deepEqual(actual.memberships, expected.memberships);
  assert.deepEqual(actual.touches, expected.touches);
  assert.deepEqual(
    duplicates(actual.touchKeys),
    [],
    'a read_committed reader sees each touch once',
  );
  await survivor.stop();
});

// Regression (failed at 5739910, fixed in 24430dc): the consumer's fetch long-poll stayed at kafkajs'
// 5 s default while kafkajs heartbeats only between fetches, so with a 3 s session timeout idle members
// were expelled, the group flapped between one-member generations and each kept all 8 tasks open.
// `tuning: {}` runs the runtime's own client settings.
test('two instances with a 3 s session timeout form one stable group with disjoint tasks', async (t) => {
  const cluster = await TestCluster.start({ partitions: PARTITIONS, rules: RULES });
  const instances: ChildInstance[] = [];
  t.after(async () => {
    for (const instance of instances) await instance.kill().catch(() => undefined);
    await cluster.close();
  });
  for (const id of ['a', 'b']) {
    instances.push(
      ChildInstance.spawn({
        brokers: cluster.broker.brokers,
        instanceId: id,
        stateDir: await stateDir(id),
        tuning: {},
      }),
    );
  }
  await Promise.all(instances.map((instance) => instance.started()));
  // Idle for longer than the session timeout: a healthy group stays as it is.
  await waitFor(
    async () => (await cluster.admin.describeGroups([APP_ID])).groups[0]?.members.length === 2,
    {
      timeoutMs: 20_000,
      what: 'both instances in the group',
    },
  );
  await sleep(7_000);
  const [group] = (await cluster.admin.describeGroups([APP_ID])).groups;
  assert.equal(
    group.members.length,
    2,
    `members after 7 s idle: ${group.members.map((m) => m.clientId).join()}`,
  );
  const [a, b] = await Promise.all(instances.map((instance) => instance.tasks()));
  assert.deepEqual([...a, ...b].sort(), ALL_TASKS, `a=${a.join()} b=${b.join()}`);
});

test('a member paused past its session timeout and then resumed adds no duplicate outputs', async (t) => {
  const cluster = await TestCluster.start({ partitions: PARTITIONS, rules: RULES });
  const instances: ChildInstance[] = [];
  t.after(async () => {
    for (const instance of instances) {
      instance.resume();
      await instance.kill().catch(() => undefined);
    }
    await cluster.close();
  });
  const events = customerEvents({ customers: 64 });
  const broadcast = broadcastEvent('b1', lastTs(events) + 60_000, 'GZ');
  const expected = await replayOutcome(RULES, [...events, broadcast]);

  const records = await cluster.reader([cluster.topics.transitions, cluster.topics.touches]);
  for (const id of ['a', 'b']) {
    instances.push(
      ChildInstance.spawn({
        brokers: cluster.broker.brokers,
        instanceId: id,
        stateDir: await stateDir(id),
      }),
    );
  }
  const [survivor, paused] = instances;
  await Promise.all(instances.map((instance) => instance.started()));
  await waitFor(
    async () => (await paused.tasks()).length > 0 && (await survivor.tasks()).length > 0,
    {
      timeoutMs: 20_000,
      what: 'both instances to own tasks',
    },
  );

  const chunks: ScenarioEvent[][] = [];
  for (let i = 0; i < events.length; i += 24) chunks.push(events.slice(i, i + 24));
  for (const [index, chunk] of chunks.entries()) {
    if (index === Math.floor(chunks.length / 3)) {
      paused.pause();
    }
    if (index === Math.floor(chunks.length / 2)) {
      await waitFor(async () => (await survivor.tasks()).join() === ALL_TASKS.join(), {
        timeoutMs: 30_000,
        what: 'the survivor to take over the paused member’s tasks',
      });
      paused.resume();
    }
    await cluster.produce(chunk);
    await sleep(30);
  }
  await waitFor(() => cluster.caughtUp(APP_ID, cluster.topics.events), {
    timeoutMs: 60_000,
    what: 'the group to commit the whole events topic',
  });
  await cluster.produce([broadcast]);
  await awaitOutcome(cluster, records, expected, 30_000);
  await sleep(1_000);
  const actual = outcomeOf(cluster, records);
  assert.deepEqual(
    duplicates(actual.touchKeys),
    [],
    'a read_committed reader sees each touch once',
  );
  assert.deepEqual(actual.memberships, expected.memberships);
  assert.deepEqual(actual.touches, expected.touches);
});
