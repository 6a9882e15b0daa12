import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../src/cli/app.js';
import { loadConfig } from '../../src/cli/config/index.js';
import { MetricsRegistry } from '../../src/observability/index.js';
import { customersByArm } from '../runtime/campaigns/support.js';

const TRIGGER = 'renewal-reminder';
const SECRET = 'push-callback-secret';
const viewer = { authorization: 'Bearer viewer-token-1' };
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline)
      throw new Error(`not reached within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}

interface Arm {
  commands: number;
  converted: number;
  delivered: number;
  suppressed: Record<string, number>;
}

test('on the embedded cluster, touches, their feedback, receipts and conversions add up per arm', async () => {
  const rulesDir = mkdtempSync(join(tmpdir(), 'campaign-rules-'));
  writeFileSync(
    join(rulesDir, 'renewal.json'),
    JSON.stringify({
      id: TRIGGER,
      kind: 'trigger',
      on: { event: 'behaviour', action: 'renewal-due' },
      touch: { channel: 'push', template: 'renew' },
      holdout: 0.5,
    }),
  );
  const config = loadConfig({
    env: {},
    overrides: {
      applicationId: `campaigns-${process.pid}-${Date.now()}`,
      stateDir: mkdtempSync(join(tmpdir(), 'app-campaigns-')),
      instanceId: 'app-campaigns',
      kafka: { embeddedPort: 0, partitions: 2, sessionTimeoutMs: 3000, heartbeatIntervalMs: 300 },
      schemaRegistry: { embeddedPort: 0 },
      api: { port: 0, tokens: [{ token: 'viewer-token-1', role: 'viewer' }] },
      rules: { examplesDir: rulesDir },
      tracking: {
        conversions: [{ trigger: TRIGGER, event: 'policy.renewed', window: '30d' }],
        callbacks: { channels: { push: { secret: SECRET } } },
      },
    },
  });
  const app = await startApp(config, quiet, new MetricsRegistry());
  try {
    const api = `http://127.0.0.1:${app.http.port}`;
    await until(
      () => fetch(`${api}/readyz`).then((r) => r.status),
      (s) => s === 200,
      30_000,
    );
    const { heldOut, touched } = customersByArm(TRIGGER, 0.5, 3);
    const at = Date.now();
    const events = [...touched, ...heldOut].map((customerId, i) => ({
      type: 'behaviour',
      id: `due-${i}`,
      ts: at,
      customerId,
      action: 'renewal-due',
    }));
    const renewals = [touched[0], heldOut[0]].map((customerId, i) => ({
      type: 'policy.renewed',
      id: `renewed-${i}`,
      ts: at + 1_000,
      customerId,
      policyId: 'p1',
      product: 'auto',
      startDate: at,
      endDate: at + 365 * 86_400_000,
      premium: 1200,
    }));
    const producer = app.kafka.producer();
    await producer.connect();
    for (const batch of [events, renewals]) {
      await producer.send({
        topic: app.topics.events,
        messages: batch.map((event) => ({
          key: event.customerId,
          value: Buffer.from(app.eventSerde.serialize(event)),
        })),
      });
    }
    await producer.disconnect();

    const receipt = JSON.stringify([
      { commandId: `${TRIGGER}:${touched[1]}:${at}`, status: 'delivered' },
    ]);
    const timestamp = String(Date.now());
    const posted = await fetch(`${api}/callbacks/push`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-touchstream-timestamp': timestamp,
        'x-touchstream-signature': createHmac('sha256', SECRET)
          .update(`${timestamp}.${receipt}`)
          .digest('hex'),
      },
      body: receipt,
    });
    assert.equal(posted.status, 200, await posted.clone().text());

    const report = await until(
      async () => {
        const res = await fetch(`${api}/campaigns/${TRIGGER}`, { headers: viewer });
        return res.status === 200
          ? ((await res.json()) as { totals: { touched: Arm; heldOut: Arm }[] })
          : undefined;
      },
      (body) => {
        const push = body?.totals[0];
        return (
          push !== undefined &&
          push.touched.converted === 1 &&
          push.heldOut.converted === 1 &&
          push.touched.delivered === 1 &&
          push.heldOut.suppressed.holdout === 3
        );
      },
      60_000,
    );
    const push = report!.totals[0];
    assert.equal(push.touched.commands, 3);
    assert.equal(push.heldOut.commands, 3);
  } finally {
    await app.stop();
  }
});
