import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApiApp, startApiServer } from '../../src/api/index.js';
import type { ApiApp, ApiServer, ApiToken } from '../../src/api/index.js';
import { TopologyTestDriver, buildTouchstreamTopology } from '../../src/runtime/index.js';
import type { LocalStore, StoreQueries, StoreQueryResult } from '../../src/runtime/index.js';
import {
  DAY,
  HOUR,
  RENEWAL,
  T0,
  campaignHarness,
  commandId,
  customersByArm,
  due,
  reminder,
  renewed,
} from '../runtime/campaigns/support.js';
import type { CampaignHarness } from '../runtime/campaigns/support.js';

const TOKENS: ApiToken[] = [
  { token: 'tok-viewer', role: 'viewer' },
  { token: 'tok-operator', role: 'operator' },
];
const viewer = { authorization: 'Bearer tok-viewer' };

let h: CampaignHarness;
let api: ApiApp;
const arms = customersByArm(RENEWAL, 0.5, 3);

/**
 * Week of Monday 2026-01-05: 3 touched and 3 held out; 2 touched and 1 held-out customer convert.
 * Week of Monday 2026-01-12: 1 touched customer, sent, no conversion.
 */
before(async () => {
  h = await campaignHarness();
  await h.publish(reminder(RENEWAL, { holdout: 0.5 }));
  await h.publish(reminder('claim-care', {}, 'claim-followup'));
  const at = T0 + HOUR;
  for (const id of [...arms.touched, ...arms.heldOut]) await h.event(due(id, at));
  await h.event(due('claimant', at, 'claim-followup'));
  for (const id of arms.touched) {
    await h.feedback({
      commandId: commandId(RENEWAL, id, at),
      customerId: id,
      trigger: RENEWAL,
      channel: 'push',
      status: 'sent',
      reason: null,
      guard: null,
      until: null,
      at: at + 1,
    });
  }
  for (const id of arms.heldOut) {
    await h.feedback({
      commandId: commandId(RENEWAL, id, at),
      customerId: id,
      trigger: RENEWAL,
      channel: 'push',
      status: 'suppressed',
      reason: 'held out',
      guard: 'holdout',
      until: null,
      at: at + 1,
    });
  }
  await h.event(renewed(arms.touched[0], at + DAY));
  await h.event(renewed(arms.touched[1], at + DAY));
  await h.event(renewed(arms.heldOut[0], at + DAY));
  await h.event(due(arms.touched[2], T0 + 7 * DAY + HOUR));
  api = await buildApiApp({
    tokens: TOKENS,
    queries: h.driver,
    campaigns: { timeZone: 'Asia/Shanghai' },
  });
});

after(async () => {
  await api.app.close();
  await h.close();
});

test('lists every campaign with its totals per arm, conversion rates and uplift, for viewers', async () => {
  const res = await api.app.inject({ url: '/campaigns', headers: viewer });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.timeZone, 'Asia/Shanghai');
  assert.deepEqual(
    body.campaigns.map((c: { trigger: string }) => c.trigger),
    ['claim-care', RENEWAL],
  );
  const renewal = body.campaigns[1];
  assert.deepEqual(renewal.channels, ['push']);
  assert.equal(renewal.touched.commands, 4);
  assert.equal(renewal.touched.sent, 3);
  assert.equal(renewal.touched.converted, 2);
  assert.equal(renewal.touched.conversionRate, 0.5);
  assert.equal(renewal.heldOut.commands, 3);
  assert.deepEqual(renewal.heldOut.suppressed, { holdout: 3 });
  assert.equal(renewal.heldOut.conversionRate, 1 / 3);
  assert.equal(renewal.uplift.absolute, 0.5 - 1 / 3);
  assert.equal(renewal.uplift.relative, (0.5 - 1 / 3) / (1 / 3));
  assert.equal(body.campaigns[0].heldOut.conversionRate, null);
  assert.deepEqual(body.campaigns[0].uplift, { absolute: null, relative: null });
});

test("one campaign by week: Monday buckets, each channel's arms side by side", async () => {
  const res = await api.app.inject({ url: `/campaigns/${RENEWAL}?bucket=week`, headers: viewer });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.bucket, 'week');
  assert.deepEqual(
    body.buckets.map((b: { bucket: string; start: string; end: string }) => [
      b.bucket,
      b.start,
      b.end,
    ]),
    [
      ['2026-01-05', '2026-01-05', '2026-01-11'],
      ['2026-01-12', '2026-01-12', '2026-01-18'],
    ],
  );
  const [first, second] = body.buckets;
  assert.equal(first.channels[0].channel, 'push');
  assert.equal(first.channels[0].touched.commands, 3);
  assert.equal(first.channels[0].touched.conversionRate, 2 / 3);
  assert.equal(first.channels[0].heldOut.conversionRate, 1 / 3);
  assert.equal(first.channels[0].uplift.absolute, 1 / 3);
  assert.equal(first.channels[0].uplift.relative, 1);
  assert.equal(second.channels[0].touched.commands, 1);
  assert.equal(second.channels[0].heldOut.commands, 0);
  assert.equal(second.channels[0].uplift.absolute, null);
  assert.equal(body.totals[0].touched.commands, 4);

  const month = await api.app.inject({
    url: `/campaigns/${RENEWAL}?bucket=month&from=2026-01-06&to=2026-01-31`,
    headers: viewer,
  });
  assert.equal(month.statusCode, 200);
  assert.deepEqual(
    month
      .json()
      .buckets.map((b: { bucket: string; channels: { touched: { commands: number } }[] }) => [
        b.bucket,
        b.channels[0].touched.commands,
      ]),
    [['2026-01', 1]],
  );
  const none = await api.app.inject({ url: '/campaigns/never-fired', headers: viewer });
  assert.deepEqual(none.json().buckets, []);
  assert.deepEqual(none.json().totals, []);
});

test('bad query parameters are a 400 naming the field', async () => {
  const cases: [string, string][] = [
    [`/campaigns/${RENEWAL}?from=2026-02-30`, 'querystring.from'],
    [`/campaigns/${RENEWAL}?from=5%20Jan`, 'querystring.from'],
    [`/campaigns/${RENEWAL}?from=2026-01-10&to=2026-01-09`, 'querystring.to'],
    [`/campaigns/${RENEWAL}?bucket=year`, 'querystring.bucket'],
    [`/campaigns?bucket=day`, 'querystring.bucket'],
  ];
  for (const [url, field] of cases) {
    const res = await api.app.inject({ url, headers: viewer });
    assert.equal(res.statusCode, 400, url);
    assert.equal(res.json().field, field, url);
  }
});

test('campaigns need a token, and an engine without tracking says so', async () => {
  assert.equal((await api.app.inject({ url: '/campaigns' })).statusCode, 401);
  const { topology } = buildTouchstreamTopology({ backend: 'memory' });
  const plain = await TopologyTestDriver.create(topology, { backendOverride: 'memory' });
  const untracked = await buildApiApp({ tokens: TOKENS, queries: plain });
  try {
    const res = await untracked.app.inject({ url: '/campaigns', headers: viewer });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error, 'TS_API_TRACKING_OFF');
  } finally {
    await untracked.app.close();
    await plain.close();
  }
});

test('the routes are in the OpenAPI document', async () => {
  const doc = (await api.app.inject({ url: '/docs/json' })).json();
  assert.equal(doc.paths['/campaigns'].get['x-role'], 'viewer');
  assert.ok(doc.paths['/campaigns/{trigger}'].get.responses['200'].content);
  assert.ok(doc.paths['/internal/campaigns'].get);
});

/** One instance's view of the driver's state: only the partitions it is said to own. */
class PartitionView implements StoreQueries {
  apiAddress: string | undefined;

  constructor(
    private readonly driver: TopologyTestDriver,
    private readonly owned: readonly number[],
    private readonly addresses: () => string[],
  ) {}

  queryStore<V>(storeName: string, key: string): StoreQueryResult<V> {
    return this.driver.queryStore<V>(storeName, key);
  }

  localStores<V>(storeName: string): LocalStore<V>[] {
    return this.driver
      .localStores<V>(storeName)
      .filter((local) => this.owned.includes(local.partition));
  }

  storePartitions(storeName: string): number {
    return this.driver.storePartitions(storeName);
  }

  instanceAddresses(): string[] {
    return this.addresses();
  }
}

test('any instance answers for all: it adds up every instance share over HTTP', async () => {
  const servers: ApiServer[] = [];
  const addresses = () => servers.map((server) => `http://127.0.0.1:${server.port}`);
  const views = [
    new PartitionView(h.driver, [0], addresses),
    new PartitionView(h.driver, [1], addresses),
  ];
  try {
    for (const view of views) {
      const server = await startApiServer({
        host: '127.0.0.1',
        port: 0,
        tokens: TOKENS,
        queries: view,
      });
      view.apiAddress = `http://127.0.0.1:${server.port}`;
      servers.push(server);
    }
    const single = (await api.app.inject({ url: `/campaigns/${RENEWAL}`, headers: viewer })).json();
    for (const view of views) {
      const res = await fetch(`${view.apiAddress}/campaigns/${RENEWAL}`, { headers: viewer });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), single);
    }
    // Each instance alone holds only part of it.
    const share = await fetch(`${views[0].apiAddress}/internal/campaigns?grouping=all`, {
      headers: viewer,
    });
    assert.deepEqual(((await share.json()) as { partitions: number[] }).partitions, [0]);
  } finally {
    for (const server of servers) await server.close();
  }
});

test('a partition no instance answers for is a 503 with Retry-After, never a partial sum', async () => {
  const servers: ApiServer[] = [];
  const addresses = () => servers.map((server) => `http://127.0.0.1:${server.port}`);
  // Partition 1 is restoring somewhere: nobody reports it.
  const views = [
    new PartitionView(h.driver, [0], addresses),
    new PartitionView(h.driver, [], addresses),
  ];
  try {
    for (const view of views) {
      const server = await startApiServer({
        host: '127.0.0.1',
        port: 0,
        tokens: TOKENS,
        queries: view,
      });
      view.apiAddress = `http://127.0.0.1:${server.port}`;
      servers.push(server);
    }
    const res = await fetch(`${views[0].apiAddress}/campaigns`, { headers: viewer });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    const body = (await res.json()) as { error: string; partition: number };
    assert.equal(body.error, 'TS_API_PARTITION_UNAVAILABLE');
    assert.equal(body.partition, 1);
  } finally {
    for (const server of servers) await server.close();
  }
});
