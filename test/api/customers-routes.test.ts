import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FORWARDED_HEADER,
  SERVED_BY_HEADER,
  buildApiApp,
  startApiServer,
} from '../../src/api/index.js';
import type { ApiApp, ApiToken } from '../../src/api/index.js';
import type { StoreQueries, StoreQueryResult } from '../../src/runtime/index.js';
import {
  START,
  claimSettled,
  delivered,
  policyIssued,
  profile,
  startEngine,
  tagAdded,
} from '../runtime/support/engine.js';
import type { Engine } from '../runtime/support/engine.js';
import { instanceView } from '../support/instance-view.js';

const TOKENS: ApiToken[] = [
  { token: 'tok-author', role: 'author' },
  { token: 'tok-operator', role: 'operator' },
  { token: 'tok-viewer', role: 'viewer' },
];
const auth = (role: 'author' | 'operator' | 'viewer') => ({ authorization: `Bearer tok-${role}` });

const rules = [
  { id: 'vip', kind: 'segment', when: { tag: 'vip' } },
  { id: 'claimed', kind: 'segment', when: { claim: { status: 'settled', within: '30d' } } },
  {
    id: 'welcome',
    kind: 'trigger',
    on: { enter: 'vip' },
    touch: { channel: 'sms', template: 'welcome_vip' },
  },
];

async function engineWithAlice(): Promise<Engine> {
  const engine = await startEngine({ rules, partitions: 3 });
  await engine.event(
    profile('alice', START, { name: '林小姐', phone: '13812345678', city: 'Xiamen' }),
  );
  await engine.event(policyIssued('alice', START + 1_000, 'P1'));
  await engine.event(claimSettled('alice', START + 2_000, 'K1', 8_000));
  await engine.event(tagAdded('alice', START + 3_000, 'vip'));
  await engine.feedback(delivered('alice', START + 4_000, 'welcome'));
  await engine.event(profile('bob', START + 5_000, { city: 'Fuzhou' }));
  return engine;
}

async function apiOver(queries: StoreQueries): Promise<ApiApp> {
  return buildApiApp({ tokens: TOKENS, queries });
}

/** An instance whose owner map sends every key elsewhere (or nowhere). */
function routedTo(result: StoreQueryResult<unknown>, apiAddress = 'http://asker:1'): StoreQueries {
  return {
    apiAddress,
    queryStore: <V>() => result as StoreQueryResult<V>,
    localStores: () => [],
    storePartitions: () => 3,
    instanceAddresses: () => [apiAddress],
  };
}

test('an operator reads a profile: attributes, tags, policies, claims and current segments', async () => {
  const engine = await engineWithAlice();
  try {
    const api = await apiOver(engine.driver);
    const res = await api.app.inject({ url: '/customers/alice', headers: auth('operator') });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers[SERVED_BY_HEADER], 'local');
    const body = res.json();
    assert.deepEqual(body.attributes, { city: 'Xiamen', name: '林小姐', phone: '13812345678' });
    assert.deepEqual(body.tags, ['vip']);
    assert.deepEqual(body.segments, ['claimed', 'vip']);
    assert.equal(body.policies.length, 1);
    assert.deepEqual(
      {
        id: body.policies[0].policyId,
        product: body.policies[0].product,
        status: body.policies[0].status,
      },
      { id: 'P1', product: 'auto', status: 'active' },
    );
    assert.deepEqual(body.policies[0].insured, { plate: '闽D12345' });
    assert.deepEqual(body.claims, [
      { claimId: 'K1', status: 'settled', statusTs: START + 2_000, amount: 8_000 },
    ]);
    assert.equal(body.evaluatedAt, START + 3_000);
    const author = await api.app.inject({ url: '/customers/alice', headers: auth('author') });
    assert.equal(author.json().attributes.phone, '13812345678', 'authors see personal data too');
  } finally {
    await engine.close();
  }
});

test('a viewer may not read customers, and a request without a token is refused', async () => {
  const engine = await engineWithAlice();
  try {
    const api = await apiOver(engine.driver);
    for (const url of ['/customers/alice', '/customers/alice/timeline']) {
      const viewer = await api.app.inject({ url, headers: auth('viewer') });
      assert.equal(viewer.statusCode, 403, url);
      assert.equal(viewer.json().error, 'TS_API_FORBIDDEN');
      assert.doesNotMatch(viewer.body, /1381234|林小姐/);
      assert.equal((await api.app.inject({ url })).statusCode, 401, url);
    }
  } finally {
    await engine.close();
  }
});

test('an unknown customer is a 404 naming the id', async () => {
  const engine = await engineWithAlice();
  try {
    const api = await apiOver(engine.driver);
    const res = await api.app.inject({ url: '/customers/nobody', headers: auth('operator') });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), {
      error: 'TS_API_NOT_FOUND',
      message: 'customer "nobody" does not exist',
      id: 'nobody',
    });
  } finally {
    await engine.close();
  }
});

test('a timeline comes newest first, in pages joined by an opaque cursor', async () => {
  const engine = await engineWithAlice();
  try {
    const api = await apiOver(engine.driver);
    const kinds: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '?limit=3' : `?limit=3&cursor=${cursor}`;
      const res = await api.app.inject({
        url: `/customers/alice/timeline${query}`,
        headers: auth('operator'),
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.customerId, 'alice');
      assert.ok(body.entries.length <= 3);
      kinds.push(
        ...body.entries.map(
          (entry: { kind: string; at: number }) => `${entry.kind}@${entry.at - START}`,
        ),
      );
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor !== null);
    assert.deepEqual(kinds, [
      'feedback@4000',
      'touch@3000',
      'transition@3000',
      'event@3000',
      'transition@2000',
      'event@2000',
      'event@1000',
      'event@0',
    ]);
    assert.equal(pages, 3);
    const whole = await api.app.inject({
      url: '/customers/alice/timeline',
      headers: auth('operator'),
    });
    assert.equal(whole.json().entries.length, 8, 'the default page holds them all');
    assert.equal(whole.json().nextCursor, null);
    assert.equal(whole.json().entries[0].data.status, 'delivered');
  } finally {
    await engine.close();
  }
});

test('timeline paging parameters are checked, with the field named', async () => {
  const engine = await engineWithAlice();
  try {
    const api = await apiOver(engine.driver);
    const ask = (query: string) =>
      api.app.inject({ url: `/customers/alice/timeline${query}`, headers: auth('operator') });
    for (const [query, field] of [
      ['?limit=0', 'querystring.limit'],
      ['?limit=201', 'querystring.limit'],
      ['?limit=ten', 'querystring.limit'],
      ['?limt=5', 'querystring.limt'],
      ['?cursor=not%20base64', 'querystring.cursor'],
      [`?cursor=${Buffer.from('garbage').toString('base64url')}`, 'querystring.cursor'],
    ] as const) {
      const res = await ask(query);
      assert.equal(res.statusCode, 400, query);
      assert.equal(res.json().error, 'TS_API_BAD_REQUEST');
      assert.equal(res.json().field, field, query);
      assert.match(res.json().message, new RegExp(`^${field.replace('.', '\\.')} `));
    }
    const tooLong = await api.app.inject({
      url: `/customers/${'x'.repeat(201)}`,
      headers: auth('operator'),
    });
    assert.equal(tooLong.json().field, 'params.id');
  } finally {
    await engine.close();
  }
});

test('another instance forwards to the owner: the same body, the owner named, the caller token passed on', async () => {
  const engine = await engineWithAlice();
  const owner = await startApiServer({ host: '127.0.0.1', port: 0, tokens: TOKENS });
  try {
    const ownerAddress = `http://127.0.0.1:${owner.port}`;
    owner.attachQueries(
      instanceView(engine.driver, { address: ownerAddress, instances: () => [ownerAddress] }),
    );
    const asker = await apiOver(routedTo({ kind: 'remote', partition: 1, address: ownerAddress }));
    for (const url of ['/customers/alice', '/customers/alice/timeline?limit=2']) {
      const direct = await owner.app.inject({ url, headers: auth('operator') });
      const forwarded = await asker.app.inject({ url, headers: auth('operator') });
      assert.equal(forwarded.statusCode, 200, forwarded.body);
      assert.equal(forwarded.body, direct.body, url);
      assert.equal(forwarded.headers[SERVED_BY_HEADER], ownerAddress);
      assert.match(String(forwarded.headers['content-type']), /application\/json/);
    }
    const missing = await asker.app.inject({ url: '/customers/nobody', headers: auth('operator') });
    assert.equal(missing.statusCode, 404, 'the owner answer passes through as it is');
    assert.equal(missing.json().error, 'TS_API_NOT_FOUND');
    const forgedRole = await asker.app.inject({
      url: '/customers/alice',
      headers: { authorization: 'Bearer tok-viewer' },
    });
    assert.equal(forgedRole.statusCode, 403, 'the asking instance checks the role first');
  } finally {
    await owner.close();
    await engine.close();
  }
});

test('a forwarded request is never forwarded again: crossed owner maps answer 503', async () => {
  const asker = await apiOver(
    routedTo({ kind: 'remote', partition: 2, address: 'http://127.0.0.1:1' }),
  );
  const res = await asker.app.inject({
    url: '/customers/alice',
    headers: { ...auth('operator'), [FORWARDED_HEADER]: 'http://elsewhere:8080' },
  });
  assert.equal(res.statusCode, 503);
  assert.equal(res.headers['retry-after'], '1');
  assert.deepEqual(
    { error: res.json().error, partition: res.json().partition, reason: res.json().reason },
    { error: 'TS_API_PARTITION_UNAVAILABLE', partition: 2, reason: 'moving' },
  );
});

test('an owner that does not answer is a 503 with Retry-After naming it', async () => {
  const closed = await startApiServer({ host: '127.0.0.1', port: 0 });
  const address = `http://127.0.0.1:${closed.port}`;
  await closed.close();
  const asker = await apiOver(routedTo({ kind: 'remote', partition: 0, address }));
  const res = await asker.app.inject({ url: '/customers/alice', headers: auth('operator') });
  assert.equal(res.statusCode, 503);
  assert.equal(res.headers['retry-after'], '1');
  assert.equal(res.json().error, 'TS_API_PEER_UNAVAILABLE');
  assert.equal(res.json().address, address);
});

test('a partition restoring, unowned or moving is a 503 with Retry-After and the partition named', async () => {
  for (const reason of ['restoring', 'no-owner', 'moving'] as const) {
    const api = await apiOver(routedTo({ kind: 'unavailable', partition: 5, reason }));
    for (const url of ['/customers/alice', '/customers/alice/timeline']) {
      const res = await api.app.inject({ url, headers: auth('operator') });
      assert.equal(res.statusCode, 503, `${reason} ${url}`);
      assert.equal(res.headers['retry-after'], '1');
      const body = res.json();
      assert.equal(body.error, 'TS_API_PARTITION_UNAVAILABLE');
      assert.equal(body.partition, 5);
      assert.equal(body.reason, reason);
      assert.match(body.message, /partition 5/);
    }
  }
});

test('customer routes answer 503 until the engine state is attached, and without a timeline store', async () => {
  const api = await buildApiApp({ tokens: TOKENS });
  const before = await api.app.inject({ url: '/customers/alice', headers: auth('operator') });
  assert.equal(before.statusCode, 503);
  assert.equal(before.json().error, 'TS_API_UNAVAILABLE');
  const { TopologyTestDriver, buildTouchstreamTopology } =
    await import('../../src/runtime/index.js');
  const driver = await TopologyTestDriver.create(
    buildTouchstreamTopology({ backend: 'memory' }).topology,
  );
  try {
    api.attachQueries(driver);
    const timeline = await api.app.inject({
      url: '/customers/alice/timeline',
      headers: auth('operator'),
    });
    assert.equal(timeline.statusCode, 503);
    assert.match(timeline.json().message, /timeline store/);
    assert.equal(
      (await api.app.inject({ url: '/customers/alice', headers: auth('operator') })).statusCode,
      404,
    );
  } finally {
    await driver.close();
  }
});

test('the OpenAPI document describes the customer routes, their paging parameters and errors', async () => {
  const api = await buildApiApp({ tokens: TOKENS });
  const doc = (await api.app.inject({ url: '/docs/json' })).json();
  const timeline = doc.paths['/customers/{id}/timeline'].get;
  assert.equal(timeline['x-role'], 'operator');
  assert.deepEqual(
    timeline.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`),
    ['path:id', 'query:cursor', 'query:limit'],
  );
  assert.ok(timeline.responses['503']);
  const profileDoc = doc.paths['/customers/{id}'].get;
  assert.deepEqual(
    Object.keys(profileDoc.responses['200'].content['application/json'].schema.properties),
    ['customerId', 'attributes', 'tags', 'policies', 'claims', 'segments', 'evaluatedAt'],
  );
  assert.equal(doc.paths['/internal/preview'].post['x-role'], 'operator');
});
