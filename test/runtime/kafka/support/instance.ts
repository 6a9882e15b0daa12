/**
 * Child-process entry: one KafkaStreams instance running touchstream's topology, so a test can run
 * several members of one group and `kill -9` one of them.
 *
 *   node --import tsx instance.ts <brokers> <instanceId> <stateDir> [exactly_once|at_least_once]
 *
 * Tuning comes from the environment (TS_TEST_APP_ID, TS_TEST_DLQ, TS_TEST_SESSION_TIMEOUT_MS,
 * TS_TEST_HEARTBEAT_MS, and TS_TEST_TXN_TIMEOUT_MS / TS_TEST_FETCH_MAX_WAIT_MS: see
 * client-tuning.ts). With an IPC channel the instance reports its log lines, restore progress and
 * rebalances to the parent and answers `{ type: 'tasks' }` and `{ type: 'lag' }`; SIGTERM stops it
 * cleanly and exits 0.
 */
import { createKafkaClient } from '../../../../src/io/index.js';
import { KafkaStreams, buildTouchstreamTopology } from '../../../../src/runtime/index.js';
import type { ProcessingGuarantee } from '../../../../src/runtime/index.js';
import { tunedKafka } from './client-tuning.js';

export type InstanceMessage =
  | {
      type: 'log';
      level: 'info' | 'warn' | 'error';
      message: string;
      fields: Record<string, unknown>;
    }
  | { type: 'restore'; taskId: string; store: string; restored: number; fromOffset: number }
  | { type: 'started' }
  | { type: 'stopped' }
  | { type: 'failed'; error: string }
  | {
      type: 'tasks';
      tasks: { taskId: string; state: string; processed: number; deadLetters: number }[];
    }
  | {
      type: 'lag';
      lag: { topic: string; partition: number; lag: number; end: number; committed: number }[];
    };

export type InstanceRequest = { type: 'tasks' } | { type: 'lag' };

const [brokers, instanceId, stateDir, guaranteeArg] = process.argv.slice(2);
if (brokers === undefined || instanceId === undefined || stateDir === undefined) {
  process.stderr.write(
    'usage: instance.ts <brokers> <instanceId> <stateDir> [exactly_once|at_least_once]\n',
  );
  process.exit(2);
}
const guarantee: ProcessingGuarantee =
  guaranteeArg === 'at_least_once' ? 'at_least_once' : 'exactly_once';
const numberFromEnv = (name: string): number | undefined => {
  const text = process.env[name];
  return text === undefined || text === '' ? undefined : Number(text);
};

const report = (message: InstanceMessage): void => {
  if (process.send !== undefined && process.connected) process.send(message);
};

const kafka = tunedKafka(
  createKafkaClient({
    brokers: brokers.split(','),
    clientId: `instance-${instanceId}`,
    log: (level, message, fields) => {
      if (level === 'error' || level === 'warn') report({ type: 'log', level, message, fields });
    },
  }),
  {
    transactionTimeoutMs: numberFromEnv('TS_TEST_TXN_TIMEOUT_MS'),
    fetchMaxWaitMs: numberFromEnv('TS_TEST_FETCH_MAX_WAIT_MS'),
  },
);
const { topology } = buildTouchstreamTopology({});
const runtime = new KafkaStreams({
  kafka,
  applicationId: process.env.TS_TEST_APP_ID ?? 'touchstream-it',
  instanceId,
  topology,
  stateDir,
  processingGuarantee: guarantee,
  deadLetterTopic: process.env.TS_TEST_DLQ ?? 'touchstream-it.dead-letters',
  sessionTimeoutMs: numberFromEnv('TS_TEST_SESSION_TIMEOUT_MS') ?? 3_000,
  heartbeatIntervalMs: numberFromEnv('TS_TEST_HEARTBEAT_MS') ?? 300,
  logger: {
    info: (fields, message) => report({ type: 'log', level: 'info', message, fields }),
    warn: (fields, message) => report({ type: 'log', level: 'warn', message, fields }),
    error: (fields, message) => report({ type: 'log', level: 'error', message, fields }),
  },
  onRestoreProgress: (progress) => report({ type: 'restore', ...progress }),
});

process.on('message', (request: InstanceRequest) => {
  if (request.type === 'tasks') report({ type: 'tasks', tasks: runtime.tasks() });
  else if (request.type === 'lag') {
    runtime.consumerLag().then(
      (lag) => report({ type: 'lag', lag }),
      (error: unknown) => report({ type: 'failed', error: String(error) }),
    );
  }
});

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  runtime.stop().then(
    () => {
      // Exit only once the parent has the message: process.exit would drop a pending IPC send.
      if (process.send !== undefined && process.connected)
        process.send({ type: 'stopped' } satisfies InstanceMessage, () => process.exit(0));
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
  report({ type: 'started' });
} catch (error) {
  report({ type: 'failed', error: String(error) });
  process.exit(1);
}
