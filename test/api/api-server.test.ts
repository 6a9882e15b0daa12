import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApiApp, startApiServer } from '../../src/api/index.js';
import type { ApiApp, ApiToken } from '../../src/api/index.js';
import type { Rule } from '../../src/rules/index.js';
import { FakeRulesPort } from './fake-rules-port.js';

const TOKENS: ApiToken[] = [
  { token: 'tok-author', role: 'author' },
  { token: 'tok-operator', role: 'operator' },
  { token: 'tok-viewer', role: 'viewer' },
];

const auth = (role: 'author' | 'operator' | 'viewer') => ({ authorization: `Bearer tok-${role}` });

const segment = (id: string, extra: Partial<Rule> = {}): Rule =>
  ({ id, kind: 'segment', when: { tag: 'vip' }, ...extra }) as Rule;

async function build(port = new FakeRulesPort()): Promise<{ api: ApiApp; port: FakeRulesPort }> {
  const api = await buildApiApp({
    tokens: TOKENS,
    rules: port,
    metrics: { contentType: 'text/plain', render: async () => 'ts_up 1\n' },
  });
  return { api, port };
}

test('health, metrics and docs answer without a token', async () => {
  const { api } = await build();
  for (const url of ['/healthz', '/readyz', '/metrics', '/docs', '/docs/json']) {
    const res = await api.app.inject({ url });
    assert.notEqual(res.statusCode, 401, url);
    assert.notEqual(res.statusCode, 403, url);
  }
  assert.equal((await api.app.inject({ url: '/metrics' })).body, 'ts_up 1\n');
});

test('a protected route answers 401 without a token, with an unknown one and with a malformed header', async () => {
  const { api } = await build();
  for (const headers of [
    {},
    { authorization: 'Bearer nope' },
    { authorization: 'Basic tok-author' },
  ]) {
    const res = await api.app.inject({ url: '/rules', headers });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error, 'TS_API_UNAUTHORIZED');
  }
});

test('with no tokens configured every protected route is closed', async () => {
  const api = await buildApiApp({ rules: new FakeRulesPort() });
  assert.equal((await api.app.inject({ url: '/rules', headers: auth('author') })).statusCode, 401);
});

test('lists rules for every role', async () => {
  const { api, port } = await build();
  await port.publish(segment('vip'));
  for (const role of ['viewer', 'operator', 'author'] as const) {
    const res = await api.app.inject({ url: '/rules', headers: auth(role) });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { rules: [segment('vip')] });
  }
});

test('reads one rule with its history newest first, and 404s an unknown or deleted id', async () => {
  const { api, port } = await build();
  await port.publish(segment('vip', { name: 'first' }));
  await port.publish(segment('vip', { name: 'second' }));
  const res = await api.app.inject({ url: '/rules/vip', headers: auth('viewer') });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.rule.name, 'second');
  assert.deepEqual(
    body.history.map((v: { rule: Rule; ts: number }) => [v.rule.name, v.ts]),
    [
      ['second', 1002],
      ['first', 1001],
    ],
  );
  const missing = await api.app.inject({ url: '/rules/nope', headers: auth('viewer') });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error, 'TS_API_NOT_FOUND');
  await port.remove('vip');
  assert.equal(
    (await api.app.inject({ url: '/rules/vip', headers: auth('viewer') })).statusCode,
    404,
  );
});

test('validates a rule as a dry run, listing every problem with its JSON path', async () => {
  const { api, port } = await build();
  const good = await api.app.inject({
    method: 'POST',
    url: '/rules/validate',
    headers: auth('viewer'),
    payload: { rule: segment('a') },
  });
  assert.deepEqual(good.json(), { valid: true, problems: [] });
  const bad = await api.app.inject({
    method: 'POST',
    url: '/rules/validate',
    headers: auth('author'),
    payload: {
      rule: {
        id: 'b',
        kind: 'segment',
        when: { all: [{ attr: 'age', gt: 1, bogus: 1 }, { tag: 5 }] },
      },
    },
  });
  assert.equal(bad.statusCode, 200);
  const body = bad.json();
  assert.equal(body.valid, false);
  assert.deepEqual(
    body.problems.map((p: { path: string }) => p.path),
    ['$.when.all[0].bogus', '$.when.all[1].tag'],
  );
  assert.equal(port.published.length, 0);
});

test('puts a valid rule through the port and refuses other roles', async () => {
  const { api, port } = await build();
  for (const role of ['viewer', 'operator'] as const) {
    const res = await api.app.inject({
      method: 'PUT',
      url: '/rules/vip',
      headers: auth(role),
      payload: { rule: segment('vip') },
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error, 'TS_API_FORBIDDEN');
  }
  assert.equal(port.published.length, 0);
  const res = await api.app.inject({
    method: 'PUT',
    url: '/rules/vip',
    headers: auth('author'),
    payload: { rule: segment('vip') },
  });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { id: 'vip', ts: 1001 });
  assert.deepEqual(port.published, [segment('vip')]);
});

test('a put names the bad field: schema type, path id mismatch and the validator first problem', async () => {
  const { api, port } = await build();
  const put = (payload: unknown, id = 'vip') =>
    api.app.inject({
      method: 'PUT',
      url: `/rules/${id}`,
      headers: auth('author'),
      payload: payload as object,
    });
  const wrongType = await put({ rule: { id: 5, kind: 'segment', when: {} } });
  assert.equal(wrongType.statusCode, 400);
  assert.deepEqual(wrongType.json(), {
    error: 'TS_API_BAD_REQUEST',
    message: 'body.rule.id must be string',
    field: 'body.rule.id',
  });
  const missing = await put({});
  assert.equal(missing.json().field, 'body.rule');
  const mismatch = await put({ rule: segment('other') });
  assert.equal(mismatch.statusCode, 400);
  assert.equal(mismatch.json().field, 'body.rule.id');
  const invalid = await put({
    rule: { id: 'vip', kind: 'segment', when: { attr: 'age', gt: 1, lt: 2, zz: 3 } },
  });
  assert.equal(invalid.statusCode, 400);
  assert.match(invalid.json().field, /^body\.rule\.when/);
  assert.ok(Array.isArray(invalid.json().problems));
  assert.equal(port.published.length, 0);
});

test('deletes a rule by publishing a tombstone, 404 for an unknown id, 403 for non-authors', async () => {
  const { api, port } = await build();
  await port.publish(segment('vip'));
  assert.equal(
    (await api.app.inject({ method: 'DELETE', url: '/rules/vip', headers: auth('operator') }))
      .statusCode,
    403,
  );
  const res = await api.app.inject({
    method: 'DELETE',
    url: '/rules/vip',
    headers: auth('author'),
  });
  assert.equal(res.statusCode, 200);
  assert.equal(port.published.at(-1), 'vip');
  assert.equal(port.history.get('vip')?.[0].rule, null);
  const again = await api.app.inject({
    method: 'DELETE',
    url: '/rules/vip',
    headers: auth('author'),
  });
  assert.equal(again.statusCode, 404);
});

test('previews a segment with count and sample for operators and authors only', async () => {
  const customers = [
    { customerId: 'c1', phone: '13812345678' },
    { customerId: 'c2', phone: '13912345678' },
    { customerId: 'c3', phone: '13712345678' },
  ];
  const { api, port } = await build(new FakeRulesPort(customers));
  const payload = { rule: segment('preview'), sampleSize: 2 };
  const viewer = await api.app.inject({
    method: 'POST',
    url: '/rules/preview',
    headers: auth('viewer'),
    payload,
  });
  assert.equal(viewer.statusCode, 403);
  const res = await api.app.inject({
    method: 'POST',
    url: '/rules/preview',
    headers: auth('operator'),
    payload,
  });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { count: 3, sample: customers.slice(0, 2) });
  assert.equal(port.previews[0].sampleSize, 2);
  const trigger = await api.app.inject({
    method: 'POST',
    url: '/rules/preview',
    headers: auth('author'),
    payload: {
      rule: {
        id: 't',
        kind: 'trigger',
        on: { event: 'claim.settled' },
        touch: { channel: 'sms', template: 'x' },
      },
    },
  });
  assert.equal(trigger.statusCode, 400);
  assert.equal(trigger.json().field, 'body.rule.kind');
  const tooMany = await api.app.inject({
    method: 'POST',
    url: '/rules/preview',
    headers: auth('author'),
    payload: { rule: segment('p'), sampleSize: 1000 },
  });
  assert.equal(tooMany.statusCode, 400);
  assert.equal(tooMany.json().field, 'body.sampleSize');
});

test('masks phone and ID-card numbers for viewers but not for operators', async () => {
  const { api, port } = await build();
  await port.publish(segment('vip', { name: 'call 13812345678' }));
  const viewer = (await api.app.inject({ url: '/rules/vip', headers: auth('viewer') })).json();
  assert.equal(viewer.rule.name, 'call 138****5678');
  const operator = (await api.app.inject({ url: '/rules/vip', headers: auth('operator') })).json();
  assert.equal(operator.rule.name, 'call 13812345678');
});

test('answers 503 while no rules port is attached, and uses one attached later', async () => {
  const api = await buildApiApp({ tokens: TOKENS });
  const before = await api.app.inject({ url: '/rules', headers: auth('viewer') });
  assert.equal(before.statusCode, 503);
  assert.equal(before.json().error, 'TS_API_UNAVAILABLE');
  api.attachRules(new FakeRulesPort());
  assert.equal((await api.app.inject({ url: '/rules', headers: auth('viewer') })).statusCode, 200);
});

test('an unknown route is a 404 with a stable code', async () => {
  const { api } = await build();
  const res = await api.app.inject({ url: '/nowhere' });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error, 'TS_API_NOT_FOUND');
});

test('the OpenAPI document lists every registered route with its schemas and bearer security', async () => {
  const { api } = await build();
  const doc = (await api.app.inject({ url: '/docs/json' })).json();
  assert.deepEqual(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' });
  const listed = Object.entries(doc.paths as Record<string, object>)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
  assert.deepEqual(listed, [
    'DELETE /rules/{id}',
    'GET /campaigns',
    'GET /campaigns/{trigger}',
    'GET /customers/{id}',
    'GET /customers/{id}/timeline',
    'GET /docs',
    'GET /docs/json',
    'GET /healthz',
    'GET /internal/campaigns',
    'GET /internal/segments',
    'GET /metrics',
    'GET /readyz',
    'GET /rules',
    'GET /rules/{id}',
    'GET /segments',
    'GET /segments/{id}/insight',
    'POST /internal/preview',
    'POST /rules/preview',
    'POST /rules/validate',
    'PUT /rules/{id}',
  ]);
  for (const entry of listed) {
    const [method, path] = entry.split(' ');
    const url = path.replace(/\{(\w+)\}/g, ':$1');
    assert.ok(api.app.hasRoute({ method: method as 'GET', url }), `${entry} is not registered`);
  }
  const put = doc.paths['/rules/{id}'].put;
  assert.deepEqual(put.security, [{ bearer: [] }]);
  assert.equal(put.parameters[0].name, 'id');
  assert.equal(
    put.requestBody.content['application/json'].schema.properties.rule.properties.id.type,
    'string',
  );
  assert.ok(put.responses['400']);
  assert.equal(doc.paths['/healthz'].get.security, undefined);
  const page = await api.app.inject({ url: '/docs' });
  assert.match(page.headers['content-type'] as string, /text\/html/);
  assert.match(page.body, /PUT<\/code><\/td><td><code>\/rules\/\{id\}/);
});

test('startApiServer listens and keeps attach working', async () => {
  const server = await startApiServer({ host: '127.0.0.1', port: 0 });
  try {
    assert.ok(server.port > 0);
    server.attach({ state: 'running', tasks: () => [] });
    assert.equal((await server.app.inject({ url: '/readyz' })).statusCode, 200);
  } finally {
    await server.close();
  }
});

test('readyz is 503 with Retry-After while tasks restore or a rebalance runs, naming the restoring tasks', async () => {
  const { api } = await build();
  const notYet = await api.app.inject({ url: '/readyz' });
  assert.equal(notYet.statusCode, 503);
  assert.equal(notYet.json().state, 'starting');
  let rebalancing = true;
  let tasks: { taskId: string; state: 'restoring' | 'running' }[] = [];
  api.attach({
    state: 'running',
    get rebalancing() {
      return rebalancing;
    },
    tasks: () => tasks,
  });
  const joining = await api.app.inject({ url: '/readyz' });
  assert.equal(joining.statusCode, 503);
  assert.equal(joining.headers['retry-after'], '1');
  assert.equal(joining.json().rebalancing, true);
  rebalancing = false;
  tasks = [
    { taskId: '0_0', state: 'running' },
    { taskId: '0_1', state: 'restoring' },
  ];
  const restoring = await api.app.inject({ url: '/readyz' });
  assert.equal(restoring.statusCode, 503);
  assert.deepEqual(restoring.json(), {
    ready: false,
    state: 'running',
    rebalancing: false,
    tasks: 2,
    restoring: ['0_1'],
  });
  tasks = [
    { taskId: '0_0', state: 'running' },
    { taskId: '0_1', state: 'running' },
  ];
  const ready = await api.app.inject({ url: '/readyz' });
  assert.equal(ready.statusCode, 200);
  assert.equal(ready.headers['retry-after'], undefined);
  assert.equal((await api.app.inject({ url: '/healthz' })).json().status, 'ok');
});
