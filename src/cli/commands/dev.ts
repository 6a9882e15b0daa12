/**
 * `touchstream dev` (what `npm start` runs): the whole system on one machine with nothing
 * installed. Starts the embedded broker and Schema Registry, the engine with its HTTP server,
 * publishes the example rules, feeds synthetic insurance events and tails the touches.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FAKE_CHANNELS, startFakeProviders } from '../../embedded/index.js';
import { startApp } from '../app.js';
import type { RunningApp } from '../app.js';
import { loadConfig } from '../config/index.js';
import { createCliLogger } from '../logger.js';
import { devChannelConfig } from '../dev/dev-channels.js';
import { SyntheticInsuranceEvents } from '../dev/synthetic-events.js';
import type { SyntheticEvent } from '../dev/synthetic-events.js';
import { packageRoot } from '../package-root.js';
import { untilSignal } from './signals.js';
import { UsageError } from './usage-error.js';

const WEATHER_EVERY_MS = 120_000;
const DELIVERY_REPORT_EVERY_MS = 10_000;
/** Tokens a local development run accepts when none are configured (printed in its banner). */
const DEV_TOKENS = [
  { token: 'dev-author', role: 'author' },
  { token: 'dev-operator', role: 'operator' },
  { token: 'dev-viewer', role: 'viewer' },
] as const;
const FIRST_WEATHER_AFTER_MS = 15_000;

function positive(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${flag} must be a positive integer, got ${text}`);
  return value;
}

export async function runDev(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { customers: { type: 'string' }, rate: { type: 'string' } },
  });
  // The embedded broker keeps its topics in memory, so local state from an earlier run would not match.
  const stateDir = mkdtempSync(join(tmpdir(), 'touchstream-dev-'));
  const providers = await startFakeProviders({ port: 0 });
  const config = loadConfig({
    env: process.env,
    overrides: {
      stateDir,
      log: { level: process.env.TOUCHSTREAM_LOG_LEVEL ?? 'warn' },
      rules: { examplesDir: join(packageRoot(), 'examples', 'rules') },
      delivery: {
        channels: devChannelConfig(providers),
        // The guards as the issue's example configures them: visible in the feedback and timelines.
        guards: {
          keyPrefix: `ts:dev:${Date.now()}:`,
          frequencyCaps: {
            total: [{ max: 3, per: 'day' }],
            channels: { sms: [{ max: 1, per: 'week' }] },
          },
          quietHours: { sms: { from: '21:00', to: '08:00' } },
          rateLimits: { sms: { capacity: 200, refillPerSecond: 100 } },
        },
      },
      generator: {
        enabled: true,
        ...(positive(values.customers, 'customers') === undefined
          ? {}
          : { customers: positive(values.customers, 'customers') }),
        ...(positive(values.rate, 'rate') === undefined
          ? {}
          : { eventsPerSecond: positive(values.rate, 'rate') }),
      },
    },
  });
  const devConfig =
    config.api.tokens.length > 0
      ? config
      : { ...config, api: { ...config.api, tokens: DEV_TOKENS.map((entry) => ({ ...entry })) } };
  const { logger, metrics } = createCliLogger(devConfig);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out('touchstream dev: starting the embedded broker, Schema Registry and engine ...');
  const app = await startApp(devConfig, logger, metrics);
  const api = `http://${devConfig.api.host}:${app.http.port}`;
  out(
    [
      '',
      `  Kafka (embedded)    ${app.brokers.join(',')}`,
      `  Schema Registry     ${app.registryUrl}`,
      `  health / readiness  ${api}/healthz  ${api}/readyz`,
      `  metrics             ${api}/metrics`,
      `  API and its docs    ${api}/docs${devConfig === config ? '' : `   tokens: ${DEV_TOKENS.map((entry) => `${entry.token} (${entry.role})`).join(', ')}`}`,
      `  rules published     examples/rules/*.json -> ${app.topics.rules}`,
      `  touches             ${app.topics.touches} (tailed below)`,
      `  delivered to        local fake providers at ${providers.url} (push, wechat, sms, coupon)`,
      `  delivery feedback   ${app.topics.feedback}`,
      '',
    ].join('\n'),
  );
  const stopTail = await tailTouches(app, out);
  const deliveryReport = setInterval(() => {
    const counts = FAKE_CHANNELS.map(
      (channel) => `${channel} ${providers.accepted(channel).length}`,
    );
    out(`  delivered so far (accepted by the fake providers): ${counts.join(', ')}`);
  }, DELIVERY_REPORT_EVERY_MS);
  const stopGenerator = await runGenerator(app, out);
  await untilSignal();
  out('stopping ...');
  stopGenerator();
  clearInterval(deliveryReport);
  await stopTail();
  await app.stop();
  await providers.stop();
  await rm(stateDir, { recursive: true, force: true });
  return 0;
}

async function runGenerator(app: RunningApp, out: (line: string) => void): Promise<() => void> {
  const { customers, eventsPerSecond, seed } = app.config.generator;
  const events = new SyntheticInsuranceEvents(customers, seed);
  const producer = app.kafka.producer();
  await producer.connect();
  const send = (batch: SyntheticEvent[]) => {
    const customerEvents = batch.filter((event) => event.customerId !== undefined);
    const broadcasts = batch.filter((event) => event.customerId === undefined);
    const topicMessages = [];
    if (customerEvents.length > 0) {
      topicMessages.push({
        topic: app.topics.events,
        messages: customerEvents.map((event) => ({
          key: event.customerId as string,
          value: Buffer.from(app.eventSerde.serialize(event)),
          timestamp: String(event.ts),
        })),
      });
    }
    if (broadcasts.length > 0) {
      topicMessages.push({
        topic: app.topics.broadcasts,
        messages: broadcasts.map((event) => ({
          key: event.id,
          value: Buffer.from(app.eventSerde.serialize(event)),
        })),
      });
    }
    return producer.sendBatch({ topicMessages });
  };
  const started = Date.now();
  let batch: SyntheticEvent[] = [];
  let loaded = 0;
  for (const event of events.onboarding(Date.now())) {
    batch.push(event);
    if (batch.length === 500) {
      await send(batch);
      loaded += batch.length;
      batch = [];
      process.stdout.write(`\r  loading synthetic customers: ${loaded} events sent`);
    }
  }
  await send(batch);
  out(
    `\r  loaded ${customers} synthetic customers (${loaded + batch.length} events) in ${Date.now() - started} ms`,
  );
  let nextWeather = Date.now() + FIRST_WEATHER_AFTER_MS;
  let stopped = false;
  const tick = setInterval(() => {
    if (stopped) return;
    const now = Date.now();
    const traffic: SyntheticEvent[] = [];
    for (let i = 0; i < eventsPerSecond; i += 1) traffic.push(events.next(now));
    if (now >= nextWeather) {
      const alert = events.weatherAlert(now);
      traffic.push(alert);
      out(`  >> severe weather alert for ${(alert.props as { city: string }).city}`);
      nextWeather = now + WEATHER_EVERY_MS;
    }
    void send(traffic).catch((error: unknown) => out(`  generator: ${String(error)}`));
  }, 1_000);
  return () => {
    stopped = true;
    clearInterval(tick);
    void producer.disconnect();
  };
}

async function tailTouches(
  app: RunningApp,
  out: (line: string) => void,
): Promise<() => Promise<void>> {
  const consumer = app.kafka.consumer({
    groupId: `${app.config.applicationId}-dev-tail-${Date.now()}`,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: app.topics.touches, fromBeginning: true });
  let shown = 0;
  let total = 0;
  let windowStart = Date.now();
  await consumer.run({
    eachMessage: async ({ message }) => {
      total += 1;
      const now = Date.now();
      if (now - windowStart > 1_000) {
        windowStart = now;
        shown = 0;
      }
      // A few lines a second keep the tail readable when a weather alert touches thousands.
      if (shown < 8) {
        shown += 1;
        const touch = (
          message.value === null ? {} : app.touchSerde.deserialize(message.value)
        ) as Record<string, unknown>;
        out(
          `  touch #${total} ${touch.channel} ${touch.template} -> ${touch.customerId} (${touch.trigger}${touch.heldOut ? ', held out' : ''})`,
        );
      } else if (total % 500 === 0) {
        out(`  ... ${total} touches so far`);
      }
    },
  });
  return () => consumer.disconnect();
}
