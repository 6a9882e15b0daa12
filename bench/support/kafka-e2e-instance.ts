/**
 * Child-process entry for bench/kafka-end-to-end.ts: one KafkaStreams instance running
 * touchstream's own topology, so the engine's CPU (and its --cpu-prof profile) is apart from the
 * broker and the load generator in the parent.
 *
 *   node --import tsx kafka-e2e-instance.ts <brokers> <applicationId> <instanceId> <stateDir>
 *
 * Reports over IPC: 'started', selected log lines, restore progress, processed-record counts
 * (summed, once a second, so the IPC channel costs nothing per batch) and 'stopped'. SIGTERM stops
 * the runtime cleanly, which also lets --cpu-prof write its profile.
 */
import { createKafkaClient } from '../../src/io/index.js';
import { KafkaStreams, buildTouchstreamTopology } from '../../src/runtime/index.js';

export type E2eInstanceMessage =
  | { type: 'started'; ms: number }
  | { type: 'stopped' }
  | { type: 'failed'; error: string }
  | { type: 'log'; level: string; message: string; fields: Record<string, unknown> }
  | { type: 'restore'; taskId: string; store: string; restored: number; at: number }
  | {
      type: 'progress';
      records: number;
      batches: number;
      batchMs: number;
      firstAt: number;
      lastAt: number;
      commits: number;
      commitMs: number;
    };

const [brokers, applicationId, instanceId, stateDir] = process.argv.slice(2);
if (
  brokers === undefined ||
  applicationId === undefined ||
  instanceId === undefined ||
  stateDir === undefined
) {
  process.stderr.write(
    'usage: kafka-e2e-instance.ts <brokers> <applicationId> <instanceId> <stateDir>\n',
  );
  process.exit(2);
}

const report = (message: E2eInstanceMessage): void => {
  if (process.send !== undefined && process.connected) process.send(message);
};

const progress = {
  records: 0,
  batches: 0,
  batchMs: 0,
  firstAt: 0,
  lastAt: 0,
  commits: 0,
  commitMs: 0,
};
let reported = -1;
const flushProgress = (): void => {
  if (progress.batches === reported) return;
  reported = progress.batches;
  report({ type: 'progress', ...progress });
};
const progressTimer = setInterval(flushProgress, 1_000);

const kafka = createKafkaClient({
  brokers: brokers.split(','),
  clientId: `e2e-${instanceId}`,
  log: (level, message, fields) => {
    if (level === 'error') report({ type: 'log', level, message, fields });
  },
});
const { topology } = buildTouchstreamTopology({});
const started = Date.now();
const runtime = new KafkaStreams({
  kafka,
  applicationId,
  instanceId,
  topology,
  stateDir,
  deadLetterTopic: `${applicationId}.dead-letters`,
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  logger: {
    info: (fields, message) => report({ type: 'log', level: 'info', message, fields }),
    warn: (fields, message) => report({ type: 'log', level: 'warn', message, fields }),
    error: (fields, message) => report({ type: 'log', level: 'error', message, fields }),
  },
  onRestoreProgress: (restore) =>
    report({
      type: 'restore',
      taskId: restore.taskId,
      store: restore.store,
      restored: restore.restored,
      at: Date.now(),
    }),
  onBatchProcessed: ({ records, ms }) => {
    const now = Date.now();
    if (progress.firstAt === 0) progress.firstAt = now - ms;
    progress.lastAt = now;
    progress.records += records;
    progress.batches += 1;
    progress.batchMs += ms;
  },
  onCommit: ({ ms }) => {
    progress.commits += 1;
    progress.commitMs += ms;
  },
});

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  clearInterval(progressTimer);
  runtime.stop().then(
    () => {
      flushProgress();
      if (process.send !== undefined && process.connected)
        process.send({ type: 'stopped' } satisfies E2eInstanceMessage, () => process.exit(0));
      else process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`stop failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});

try {
  await runtime.start();
  report({ type: 'started', ms: Date.now() - started });
} catch (error) {
  report({ type: 'failed', error: String(error) });
  process.exit(1);
}
