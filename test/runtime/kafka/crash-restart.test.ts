/**
 * A member killed with `kill -9` and started again on the same state directory. Under exactly-once
 * its local stores may hold writes of a transaction that never committed, so the restart must not
 * trust them: it restores the changelog in full (KafkaStreams' own contract, kafka-streams.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildInstance } from './support/child-instance.js';
import { TestCluster } from './support/cluster.js';
import { RULES, customerEvents, lastTs } from './support/scenario.js';
import { waitFor } from './support/wait.js';

const APP_ID = 'touchstream-it';
const PARTITIONS = 2;

/** Changelog records (not transaction markers) per task. */
function changelogRecords(cluster: TestCluster): Map<string, number> {
  const counts = new Map<string, number>();
  for (let partition = 0; partition < PARTITIONS; partition += 1) {
    counts.set(`0_${partition}`, cluster.changelogRecords(APP_ID, partition));
  }
  return counts;
}

function restoredPerTask(instance: ChildInstance): Map<string, number> {
  const totals = new Map<string, number>();
  for (const fields of instance.logs('task restored')) {
    const counts = Object.values(fields.restored as Record<string, number>);
    totals.set(
      String(fields.taskId),
      counts.reduce((sum, n) => sum + n, 0),
    );
  }
  return totals;
}

async function run(cluster: TestCluster, stateDir: string): Promise<ChildInstance> {
  const instance = ChildInstance.spawn({
    brokers: cluster.broker.brokers,
    instanceId: 'crash',
    stateDir,
  });
  // After a kill -9 the start waits for the dead process's restore and global-table readers to leave
  // their per-instance groups: PartitionReader's fixed 30 s session timeout.
  await instance.started(60_000);
  await waitFor(() => restoredPerTask(instance).size === PARTITIONS, {
    timeoutMs: 20_000,
    what: 'both tasks to open',
  });
  return instance;
}

// Regression (failed at 5739910, fixed in 24430dc): the runtime meant to drop the checkpoint after a
// restore with writeCheckpoint({}), which rewrote the restored offsets instead, so a crashed
// instance restored only the tail onto local stores that might hold aborted writes.
test('a restart after kill -9 on a warm state directory restores the whole changelog', async (t) => {
  const cluster = await TestCluster.start({ partitions: PARTITIONS, rules: RULES });
  const instances: ChildInstance[] = [];
  t.after(async () => {
    for (const instance of instances) await instance.kill().catch(() => undefined);
    await cluster.close();
  });
  const stateDir = await mkdtemp(join(tmpdir(), 'kafka-it-crash-'));
  const before = customerEvents({ customers: 20, steps: [0, 1, 2] });
  const during = customerEvents({
    customers: 20,
    steps: [3, 4, 5],
    fromTs: lastTs(before) + 1_000,
  });

  instances.push(await run(cluster, stateDir));
  await cluster.produce(before);
  await waitFor(() => cluster.caughtUp(APP_ID, cluster.topics.events), {
    timeoutMs: 20_000,
    what: 'the first run to commit',
  });
  await instances[0].stop();

  instances.push(await run(cluster, stateDir));
  await cluster.produce(during);
  await waitFor(() => cluster.caughtUp(APP_ID, cluster.topics.events), {
    timeoutMs: 20_000,
    what: 'the second run to commit',
  });
  await instances[1].kill();

  const third = await run(cluster, stateDir);
  instances.push(third);
  const written = changelogRecords(cluster);
  assert.ok(
    [...written.values()].every((count) => count > 20),
    `every task has a changelog: ${JSON.stringify([...written])}`,
  );
  assert.deepEqual(Object.fromEntries(restoredPerTask(third)), Object.fromEntries(written));
  await third.stop();
});
