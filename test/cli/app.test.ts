import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../src/cli/app.js';
import { loadConfig } from '../../src/cli/config/index.js';
import { SyntheticInsuranceEvents } from '../../src/cli/dev/synthetic-events.js';
import { MetricsRegistry, createLogger } from '../../src/observability/index.js';

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

test('the assembled application runs on the embedded cluster: rules published, events in, touches and metrics out', async () => {
  const config = loadConfig({
    env: {},
    overrides: {
      stateDir: mkdtempSync(join(tmpdir(), 'app-test-')),
      instanceId: 'app-test',
      kafka: { embeddedPort: 0, partitions: 2, sessionTimeoutMs: 3000, heartbeatIntervalMs: 300 },
      schemaRegistry: { embeddedPort: 0 },
      api: { port: 0 },
      serdes: { events: 'avro' },
      rules: { examplesDir: new URL('../../examples/rules', import.meta.url).pathname },
    },
  });
  const lines: string[] = [];
  const log = createLogger({
    level: 'info',
    destination: { write: (line: string) => lines.push(line) },
  });
  const logger = {
    info: (fields: Record<string, unknown>, message: string) => log.info(fields, message),
    warn: (fields: Record<string, unknown>, message: string) => log.warn(fields, message),
    error: (fields: Record<string, unknown>, message: string) => log.error(fields, message),
  };
  const metrics = new MetricsRegistry();
  const app = await startApp(config, logger, metrics);
  try {
    const api = `http://127.0.0.1:${app.http.port}`;
    await until(async () => (await fetch(`${api}/readyz`)).status === 200, 30_000);
    const events = new SyntheticInsuranceEvents(200, 3);
    const producer = app.kafka.producer();
    await producer.connect();
    const batch = [...events.onboarding(Date.now())];
    await producer.send({
      topic: app.topics.events,
      messages: batch.map((event) => ({
        key: event.customerId as string,
        value: Buffer.from(app.eventSerde.serialize(event)),
      })),
    });
    await producer.send({
      topic: app.topics.events,
      messages: [{ key: 'broken', value: Buffer.from('not avro at all') }],
    });
    await producer.disconnect();
    let exposition = '';
    await until(async () => {
      exposition = await (await fetch(`${api}/metrics`)).text();
      return (
        /touchstream_touches_emitted_total\{channel="sms"\} [1-9]/.test(exposition) &&
        /touchstream_dead_letters_total\{code="TS_RUNTIME_DECODE_FAILED"\} 1/.test(exposition) &&
        /touchstream_segment_transitions_total\{segment="auto-expiring-30d",change="enter"\} [1-9]/.test(
          exposition,
        )
      );
    }, 60_000);
    assert.match(
      exposition,
      /touchstream_segment_transitions_total\{segment="auto-expiring-30d",change="enter"\} [1-9]/,
    );
    assert.match(exposition, /touchstream_dead_letters_total\{code="TS_RUNTIME_DECODE_FAILED"\} 1/);
    assert.ok(
      lines.some((line) => line.includes('"msg":"rebalance"')),
      'a rebalance is logged',
    );
    assert.ok(
      lines.some((line) => line.includes('"msg":"task restored"')),
      'a restore is logged',
    );
    assert.ok(
      !lines.some((line) => /"phone":"1[3-9]\d{9}"/.test(line)),
      'no phone number appears unmasked',
    );
  } finally {
    await app.stop();
  }
});
