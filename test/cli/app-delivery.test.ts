import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../src/cli/app.js';
import { loadConfig } from '../../src/cli/config/index.js';
import { SyntheticInsuranceEvents } from '../../src/cli/dev/synthetic-events.js';
import { MetricsRegistry } from '../../src/observability/index.js';
import { waitFor } from '../runtime/kafka/support/wait.js';
import { RecordingAdapter } from '../sinks/delivery/support/recording-adapter.js';
import { openRedis } from '../sinks/guards/redis-fixture.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

test('the engine process delivers its own Avro touch commands and writes Avro feedback', async (t) => {
  const redis = await openRedis();
  t.after(() => redis.close());
  const config = loadConfig({
    env: {},
    overrides: {
      applicationId: `app-delivery-${randomUUID().slice(0, 8)}`,
      stateDir: mkdtempSync(join(tmpdir(), 'app-delivery-')),
      instanceId: 'app-delivery',
      kafka: { embeddedPort: 0, partitions: 2, sessionTimeoutMs: 3000, heartbeatIntervalMs: 300 },
      schemaRegistry: { embeddedPort: 0 },
      api: { port: 0 },
      serdes: { events: 'avro', outputs: 'avro' },
      rules: { examplesDir: new URL('../../examples/rules', import.meta.url).pathname },
      delivery: { guards: { keyPrefix: redis.prefix }, deferralPollMs: 100 },
    },
  });
  const adapters = ['push', 'sms', 'wechat', 'coupon'].map(
    (channel) => new RecordingAdapter(channel),
  );
  const metrics = new MetricsRegistry();
  const app = await startApp(config, quiet, metrics, { channelAdapters: adapters });
  t.after(() => app.stop());
  assert.ok(app.delivery !== undefined);

  const producer = app.kafka.producer();
  await producer.connect();
  const events = [...new SyntheticInsuranceEvents(200, 3).onboarding(Date.now())];
  await producer.send({
    topic: app.topics.events,
    messages: events.map((event) => ({
      key: event.customerId as string,
      value: Buffer.from(app.eventSerde.serialize(event)),
    })),
  });
  await producer.disconnect();

  const sentOutcome =
    /touchstream_delivery_outcomes_total\{channel="\w+",status="sent",guard="none"\} [1-9]/;
  await waitFor(async () => sentOutcome.test(await metrics.render()), {
    timeoutMs: 90_000,
    what: 'a touch delivered in-process and its feedback written',
  });
  assert.ok(adapters.some((adapter) => adapter.sent.length > 0));

  // The feedback topic holds Avro records (Confluent wire format: magic byte 0).
  const admin = app.kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(config.topics.feedback);
  await admin.disconnect();
  assert.ok(
    offsets.some((o) => Number(o.high) > 0),
    'feedback was written',
  );
  const consumer = app.kafka.consumer({ groupId: `feedback-reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: config.topics.feedback, fromBeginning: true });
  const first: Buffer[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value !== null) first.push(message.value);
    },
  });
  await waitFor(() => first.length > 0, { timeoutMs: 20_000, what: 'a feedback record' });
  await consumer.disconnect();
  assert.equal(first[0][0], 0);
});
