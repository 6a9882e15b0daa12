/**
 * One KafkaStreams instance in the test's own process, with what it logged and restored kept for
 * assertions (the child-process instance is for tests that must `kill -9` a member).
 */
import { createKafkaClient } from '../../../../src/io/index.js';
import { KafkaStreams, buildTouchstreamTopology } from '../../../../src/runtime/index.js';
import type { RestoreProgress } from '../../../../src/runtime/index.js';
import { TEST_TUNING, tunedKafka } from './client-tuning.js';
import { HEARTBEAT_INTERVAL_MS, SESSION_TIMEOUT_MS } from './child-instance.js';
import { DEAD_LETTER_TOPIC } from './cluster.js';
import type { TestCluster } from './cluster.js';
import { waitFor } from './wait.js';

export interface InProcessInstance {
  runtime: KafkaStreams;
  restores: RestoreProgress[];
  logs: { level: string; message: string; fields: Record<string, unknown> }[];
  /** Changelog records restored per task, summed over its stores, from the 'task restored' log. */
  restoredPerTask(): Map<string, number>;
}

export async function startInProcess(
  cluster: TestCluster,
  options: { applicationId: string; instanceId: string; stateDir: string },
): Promise<InProcessInstance> {
  const restores: RestoreProgress[] = [];
  const logs: InProcessInstance['logs'] = [];
  const push = (level: string) => (fields: Record<string, unknown>, message: string) =>
    logs.push({ level, message, fields });
  const runtime = new KafkaStreams({
    kafka: tunedKafka(
      createKafkaClient({ brokers: cluster.broker.brokers, clientId: options.instanceId }),
      TEST_TUNING,
    ),
    applicationId: options.applicationId,
    instanceId: options.instanceId,
    topology: buildTouchstreamTopology({}).topology,
    stateDir: options.stateDir,
    deadLetterTopic: DEAD_LETTER_TOPIC,
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    logger: { info: push('info'), warn: push('warn'), error: push('error') },
    onRestoreProgress: (progress) => restores.push(progress),
  });
  await runtime.start();
  const restoredPerTask = () => {
    const totals = new Map<string, number>();
    for (const { message, fields } of logs) {
      if (message !== 'task restored') continue;
      const counts = Object.values(fields.restored as Record<string, number>);
      totals.set(
        String(fields.taskId),
        counts.reduce((sum, n) => sum + n, 0),
      );
    }
    return totals;
  };
  await waitFor(() => restoredPerTask().size === cluster.partitions, {
    timeoutMs: 30_000,
    what: `${options.instanceId} to open all ${cluster.partitions} tasks`,
  });
  return { runtime, restores, logs, restoredPerTask };
}
