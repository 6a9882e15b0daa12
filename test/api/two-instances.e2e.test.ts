// Two engine instances (startApp twice, in-process) in one consumer group on the embedded broker,
// asked over HTTP: any instance answers for any customer, rules published through one are seen by
// both, viewers see no personal data, and a third instance joining makes queries answer 503 with
// Retry-After until its partitions are restored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVED_BY_HEADER } from '../../src/api/index.js';
import { startApp } from '../../src/cli/app.js';
import type { RunningApp } from '../../src/cli/app.js';
import { loadConfig } from '../../src/cli/config/index.js';
import { MetricsRegistry } from '../../src/observability/index.js';

const TOKENS = [
  { token: 'e2e-author-token', role: 'author' },
  { token: 'e2e-operator-token', role: 'operator' },
  { token: 'e2e-viewer-token', role: 'viewer' },
] as const;
const auth = (role: 'author' | 'operator' | 'viewer') => ({
  authorization: `Bearer e2e-${role}-token`,
});
const CUSTOMERS = Array.from({ length: 60 }, (_, i) => `c${String(i).padStart(3, '0')}`);
const GOLD = CUSTOMERS.filter((_, i) => i % 3 === 0);
const PARTITIONS = 4;

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startInstance(instanceId: string, cluster?: RunningApp, apiPort = 0): Promise<RunningApp> {
  const config = loadConfig({
    env: {},
    overrides: {
      stateDir: mkdtempSync(join(tmpdir(), `e2e-${instanceId}-`)),
      instanceId,
      applicationId: 'touchstream-e2e',
      kafka: {
        embeddedPort: 0,
        partitions: PARTITIONS,
        sessionTimeoutMs: 3000,
        heartbeatIntervalMs: 300,
        ...(cluster === undefined ? {} : { brokers: cluster.brokers }),
      },
      schemaRegistry: cluster === undefined ? { embeddedPort: 0 } : { url: cluster.registryUrl },
      api: { port: apiPort, tokens: TOKENS },
    },
  });
  return startApp(config, quiet, new MetricsRegistry());
}

const base = (app: RunningApp) => `http://127.0.0.1:${app.http.port}`;

async function get(app: RunningApp, path: string, role: 'author' | 'operator' | 'viewer') {
  const response = await fetch(`${base(app)}${path}`, { headers: auth(role) });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

async function post(
  app: RunningApp,
  path: string,
  body: unknown,
  method = 'POST',
  role = 'operator' as 'author' | 'operator' | 'viewer',
) {
  const response = await fetch(`${base(app)}${path}`, {
    method,
    headers: { ...auth(role), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Both ready, and the group's owner map names both of them. */
async function settled(apps: RunningApp[]): Promise<void> {
  await until('instances ready and sharing the partitions', async () => {
    for (const app of apps) {
      if ((await fetch(`${base(app)}/readyz`)).status !== 200) return undefined;
      if (app.streams.instanceAddresses().length !== apps.length) return undefined;
      if (Object.keys(app.streams.partitionOwners()).length !== PARTITIONS) return undefined;
    }
    return true;
  });
}

async function produceEvents(app: RunningApp): Promise<number> {
  const t0 = Date.now() - 60_000;
  const events = CUSTOMERS.flatMap((customerId, i) => [
    {
      type: 'customer.profile',
      id: `${customerId}-p`,
      ts: t0,
      customerId,
      attrs: {
        city: i % 2 === 0 ? 'Xiamen' : 'Fuzhou',
        phone: `1381234${String(i).padStart(4, '0')}`,
      },
    },
    ...(GOLD.includes(customerId)
      ? [{ type: 'tag.added', id: `${customerId}-t`, ts: t0 + 1, customerId, tag: 'gold' }]
      : []),
  ]);
  const producer = app.kafka.producer();
  await producer.connect();
  await producer.send({
    topic: app.topics.events,
    messages: events.map((event) => ({
      key: event.customerId,
      value: Buffer.from(app.eventSerde.serialize(event)),
    })),
  });
  // Delivery workers write feedback as JSON or Avro; JSON here.
  await producer.send({
    topic: app.topics.feedback,
    messages: ['sent', 'delivered'].map((status, i) => ({
      key: 'c000',
      value: JSON.stringify({
        commandId: `welcome:c000:${t0}`,
        customerId: 'c000',
        trigger: 'welcome',
        channel: 'sms',
        status,
        at: t0 + 2 + i,
      }),
    })),
  });
  await producer.disconnect();
  return t0;
}

test(
  'two instances answer for every customer, share rules and refuse viewers; a joining third answers 503 while it restores',
  { timeout: 120_000 },
  async () => {
    const apps: RunningApp[] = [];
    try {
      const a = await startInstance('e2e-a');
      apps.push(a);
      const b = await startInstance('e2e-b', a);
      apps.push(b);
      await settled([a, b]);
      const t0 = await produceEvents(a);
      await until('every profile readable', async () => {
        for (const id of CUSTOMERS)
          if ((await get(a, `/customers/${id}`, 'operator')).status !== 200) return undefined;
        return true;
      });

      // A profile asked of either instance is the same; one reads it, the other forwards to it.
      const servedLocally = { a: 0, b: 0 };
      for (const id of CUSTOMERS) {
        const fromA = await get(a, `/customers/${id}`, 'operator');
        const fromB = await get(b, `/customers/${id}`, 'operator');
        assert.equal(fromA.status, 200);
        assert.equal(fromA.body, fromB.body, id);
        const owner = fromA.headers.get(SERVED_BY_HEADER);
        assert.equal(fromB.headers.get(SERVED_BY_HEADER), owner, `${id} is read at its owner`);
        assert.ok(owner === a.streams.apiAddress || owner === b.streams.apiAddress);
        if (owner === a.streams.apiAddress) servedLocally.a += 1;
        else servedLocally.b += 1;
      }
      assert.ok(servedLocally.a > 0 && servedLocally.b > 0, JSON.stringify(servedLocally));
      const alice = JSON.parse((await get(b, '/customers/c000', 'operator')).body);
      assert.equal(alice.attributes.phone, '13812340000', 'operators see personal data');
      assert.deepEqual(alice.tags, ['gold']);

      // A timeline is newest first and paged, through whichever instance is asked.
      for (const app of [a, b]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const query: string = cursor === null ? '?limit=1' : `?limit=1&cursor=${cursor}`;
          const page = await get(app, `/customers/c000/timeline${query}`, 'operator');
          assert.equal(page.status, 200, page.body);
          const body = JSON.parse(page.body);
          seen.push(
            ...body.entries.map(
              (entry: { kind: string; at: number }) => `${entry.kind}@${entry.at - t0}`,
            ),
          );
          cursor = body.nextCursor;
        } while (cursor !== null);
        assert.deepEqual(seen, ['feedback@3', 'feedback@2', 'event@1', 'event@0']);
      }

      // A rule published through one instance changes what both see.
      const goldMembers = {
        rule: { id: 'gold-members', kind: 'segment', when: { segment: 'gold' } },
        sampleSize: 3,
      };
      const before = await post(b, '/rules/preview', goldMembers);
      assert.deepEqual([before.status, before.body.count], [200, 0], 'no gold segment yet');
      const published = await post(
        a,
        '/rules/gold',
        {
          rule: {
            id: 'gold',
            kind: 'segment',
            name: 'gold hotline 13912345678',
            when: { tag: 'gold' },
          },
        },
        'PUT',
        'author',
      );
      assert.equal(published.status, 200, JSON.stringify(published.body));
      for (const app of [a, b]) {
        const preview = await until('the published segment backfilled', async () => {
          const answer = await post(app, '/rules/preview', goldMembers);
          return answer.status === 200 && answer.body.count === GOLD.length
            ? answer.body
            : undefined;
        });
        assert.deepEqual(
          (preview.sample as { customerId: string }[]).map((customer) => customer.customerId),
          GOLD.slice(0, 3),
        );
        const profile = JSON.parse((await get(app, '/customers/c003', 'operator')).body);
        assert.deepEqual(profile.segments, ['gold']);
        const rule = JSON.parse((await get(app, '/rules/gold', 'operator')).body);
        assert.equal(rule.history.length, 1);
      }
      // Segment sizes, added up over both instances' partitions, as a viewer may read them.
      for (const app of [a, b]) {
        const sizes = await until('the gold segment sized on both instances', async () => {
          const answer = await get(app, '/segments', 'viewer');
          const gold = (
            JSON.parse(answer.body).segments as { id: string; size: number }[] | undefined
          )?.find((segment) => segment.id === 'gold');
          return answer.status === 200 && gold?.size === GOLD.length ? gold : undefined;
        });
        assert.equal(sizes.size, GOLD.length);
        const insight = await get(app, '/segments/gold/insight', 'viewer');
        assert.equal(insight.status, 200);
        assert.equal(JSON.parse(insight.body).size, GOLD.length);
      }

      // A viewer sees aggregates only: no customers, no previews, and masked numbers.
      for (const app of [a, b]) {
        for (const path of ['/customers/c000', '/customers/c000/timeline']) {
          const answer = await get(app, path, 'viewer');
          assert.equal(answer.status, 403);
          assert.doesNotMatch(answer.body, /1381234/);
        }
        assert.equal(
          (await post(app, '/rules/preview', goldMembers, 'POST', 'viewer')).status,
          403,
        );
        const rule = await get(app, '/rules/gold', 'viewer');
        assert.match(rule.body, /gold hotline 139\*\*\*\*5678/);
      }

      // A third instance joins: queries answer 503 with Retry-After until its partitions are restored.
      const port = await freePort();
      const starting = startInstance('e2e-c', a, port);
      const unavailable: {
        status: number;
        retryAfter: string | null;
        body: Record<string, unknown>;
      }[] = [];
      let c: RunningApp | undefined;
      void starting.then((app) => {
        c = app;
      });
      const probes = [CUSTOMERS[0], CUSTOMERS[1], CUSTOMERS[2], CUSTOMERS[5]];
      await until(
        'the third instance answers for every customer',
        async () => {
          let all = c !== undefined;
          for (const id of probes) {
            const response = await fetch(`http://127.0.0.1:${port}/customers/${id}`, {
              headers: auth('operator'),
            }).catch(() => undefined);
            if (response === undefined) return undefined;
            if (response.status === 503) {
              unavailable.push({
                status: response.status,
                retryAfter: response.headers.get('retry-after'),
                body: (await response.json()) as Record<string, unknown>,
              });
            }
            if (response.status !== 200) all = false;
          }
          return all ? true : undefined;
        },
        40_000,
      );
      apps.push(await starting);
      assert.ok(unavailable.length > 0, 'some query met a partition that was not ready');
      for (const answer of unavailable) {
        assert.equal(answer.retryAfter, '1');
        assert.ok(Number.isInteger(answer.body.partition), JSON.stringify(answer.body));
        assert.ok(['restoring', 'no-owner', 'moving'].includes(answer.body.reason as string));
      }
      await settled(apps);
      const three = await Promise.all(apps.map((app) => get(app, '/customers/c003', 'operator')));
      assert.ok(three.every((answer) => answer.status === 200 && answer.body === three[0].body));
    } finally {
      for (const app of apps.reverse()) await app.stop();
    }
  },
);
