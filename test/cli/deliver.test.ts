import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { waitFor } from '../runtime/kafka/support/wait.js';
import { DeliveryHarness, command } from '../sinks/delivery/support/delivery-harness.js';

const CLI = new URL('../../src/cli/main.ts', import.meta.url).pathname;

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

test('deliver without a cluster to join is a usage error', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'deliver'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: childEnv({}),
  });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /deliver needs the cluster the engine writes to: --brokers/);
});

test('deliver runs the delivery workers alone from the config and stops on SIGTERM', async (t) => {
  const h = await DeliveryHarness.start();
  t.after(() => h.close());
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'deliver', '--brokers', h.broker.brokers.join(',')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv({
        TOUCHSTREAM_APPLICATION_ID: h.applicationId,
        TOUCHSTREAM_INSTANCE_ID: 'cli-deliver',
        TOUCHSTREAM_SERDES_OUTPUTS: 'json',
        TOUCHSTREAM_KAFKA_PARTITIONS: String(h.partitions),
        TOUCHSTREAM_KAFKA_SESSION_TIMEOUT_MS: '3000',
        TOUCHSTREAM_KAFKA_HEARTBEAT_INTERVAL_MS: '300',
        TOUCHSTREAM_TOPICS_TOUCHES: h.topics.touches,
        TOUCHSTREAM_TOPICS_FEEDBACK: h.topics.feedback,
        TOUCHSTREAM_DELIVERY_TOPICS_DEAD_LETTERS: h.topics.deadLetters,
        TOUCHSTREAM_DELIVERY_GUARDS_KEY_PREFIX: h.redis.prefix,
      }),
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    await waitFor(() => output.includes('delivery workers started'), {
      timeoutMs: 60_000,
      what: `the delivery workers to start: ${output}`,
    });
    assert.match(output, /no channel adapters configured/);
    const held = command({ heldOut: true });
    const plain = command();
    await h.produce([held, plain]);
    await waitFor(() => h.feedback().length === 2, {
      timeoutMs: 30_000,
      what: 'feedback from the deliver process',
    });
    assert.equal(h.feedbackOf(held.commandId)[0].guard, 'holdout');
    assert.equal(h.feedbackOf(plain.commandId)[0].reason, 'no adapter for channel push');
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, output);
});
