/**
 * Child-process entry for bench/api-queries.ts: one touchstream instance assembled as
 * `touchstream start` assembles it (startApp: the engine on the Kafka runtime and its HTTP API),
 * on the broker and Schema Registry the parent runs.
 *
 *   node --import tsx api-bench-instance.ts '<config overrides, JSON>'
 *
 * IPC: sends 'started' (its API address and events topic) or 'failed'; answers each 'owners?'
 * with the partition owners of the group's last rebalance; SIGTERM stops the app and exits.
 * Warnings and errors go to stderr, never stdout: the bench runner reads its result from stdout.
 */
import { startApp } from '../../src/cli/app.js';
import type { RunningApp } from '../../src/cli/app.js';
import { loadConfig } from '../../src/cli/config/index.js';
import type { AppLogger } from '../../src/cli/logging.js';
import { MetricsRegistry } from '../../src/observability/index.js';

export type ApiInstanceMessage =
  | { type: 'started'; apiAddress: string; eventsTopic: string }
  | { type: 'failed'; error: string }
  | {
      type: 'owners';
      state: string;
      rebalancing: boolean;
      owners: Record<number, string>;
    };

export type ApiInstanceRequest = { type: 'owners?' };

const overridesText = process.argv[2];
if (overridesText === undefined) {
  process.stderr.write("usage: api-bench-instance.ts '<config overrides as JSON>'\n");
  process.exit(2);
}
const overrides = JSON.parse(overridesText) as Record<string, unknown>;
const instanceId = String(overrides.instanceId);

const send = (message: ApiInstanceMessage, then: () => void = () => undefined): void => {
  if (process.send !== undefined && process.connected) process.send(message, () => then());
  else then();
};

// kafkajs reports every heartbeat refused during a rebalance as an error, and warns about its
// partitioner and its idempotent producers' retries on every connect; all expected here.
const EXPECTED = /rebalancing|switched default partitioner|Limiting retries for the idempotent/;

const write = (level: string, fields: Record<string, unknown>, message: string): void => {
  const text = JSON.stringify(fields);
  if (EXPECTED.test(message) || EXPECTED.test(text)) return;
  process.stderr.write(`[${instanceId} ${level}] ${message} ${text}\n`);
};
const logger: AppLogger = {
  info: () => undefined,
  warn: (fields, message) => write('warn', fields, message),
  error: (fields, message) => write('error', fields, message),
};

let app: RunningApp | undefined;
let stopping = false;

process.on('message', (raw) => {
  const request = raw as ApiInstanceRequest;
  if (request.type !== 'owners?' || app === undefined) return;
  send({
    type: 'owners',
    state: app.streams.state,
    rebalancing: app.streams.rebalancing,
    owners: { ...app.streams.partitionOwners() },
  });
});

process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  const stopped = app === undefined ? Promise.resolve() : app.stop();
  stopped.then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`[${instanceId}] stop failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});

try {
  app = await startApp(loadConfig({ env: {}, overrides }), logger, new MetricsRegistry());
  const apiAddress = app.streams.apiAddress;
  if (apiAddress === undefined) throw new Error('the instance announces no API address');
  send({ type: 'started', apiAddress, eventsTopic: app.topics.events });
} catch (error) {
  send({ type: 'failed', error: String(error) }, () => process.exit(1));
}
