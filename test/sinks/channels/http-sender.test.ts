import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpSender, httpFailure } from '../../../src/sinks/index.js';

let server: Server;
const sender = new HttpSender();
let url: string;

before(async () => {
  server = createServer((req, res) => {
    const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
    if (req.url?.startsWith('/slow')) {
      setTimeout(() => res.end('late'), 500).unref();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 200 ? '{"ok":true}' : 'not json');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  sender.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function failureFor(path: string, timeoutMs = 1_000) {
  const outcome = await sender.send({ method: 'GET', url: `${url}${path}`, timeoutMs });
  return httpFailure('sms', outcome, timeoutMs);
}

test('returns the status and parsed JSON answer', async () => {
  assert.deepEqual(await sender.send({ method: 'GET', url, timeoutMs: 1_000 }), {
    kind: 'answer',
    status: 200,
    body: { ok: true },
  });
});

test('classifies 429 and 5xx as retryable and other 4xx as rejected', async () => {
  for (const status of [429, 500, 503]) {
    const failure = await failureFor(`/?status=${status}`);
    assert.equal(failure.code, 'TS_SINK_PROVIDER_UNAVAILABLE');
    assert.equal(failure.retryable, true);
  }
  for (const status of [400, 401, 404, 422]) {
    const failure = await failureFor(`/?status=${status}`);
    assert.equal(failure.code, 'TS_SINK_PROVIDER_REJECTED');
    assert.equal(failure.retryable, false);
    assert.match(failure.message, new RegExp(`HTTP ${status}: not json`));
  }
});

test('classifies a timeout as retryable', async () => {
  const outcome = await sender.send({ method: 'GET', url: `${url}/slow`, timeoutMs: 50 });
  assert.equal(outcome.kind, 'timeout');
  const failure = httpFailure('sms', outcome, 50);
  assert.equal(failure.retryable, true);
  assert.match(failure.message, /no answer within 50 ms/);
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test('classifies a refused connection as a retryable network error', async () => {
  const port = await closedPort();
  const outcome = await sender.send({
    method: 'GET',
    url: `http://127.0.0.1:${port}/`,
    timeoutMs: 1_000,
  });
  assert.equal(outcome.kind, 'network');
  const failure = httpFailure('sms', outcome, 1_000);
  assert.equal(failure.retryable, true);
  assert.match(failure.message, /ECONNREFUSED/);
});
