import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChannelLog } from './channel-log.js';
import { FaultPlan } from './fault-plan.js';
import { jpushRoute } from './jpush-route.js';
import { FAKE_CHANNELS } from './types.js';
import type {
  AcceptedMessage,
  ChannelRoute,
  FakeChannel,
  FakeCredentials,
  ProviderAnswer,
  ProviderRequest,
  ReceivedRequest,
} from './types.js';
import { couponRoute, smsRoute } from './webhook-routes.js';
import { wechatSendRoute, wechatTokenAnswer } from './wechat-routes.js';
import { WechatTokens } from './wechat-tokens.js';

export interface FakeProvidersOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Lifetime of an issued WeChat access token (expires_in); default 7200. */
  wechatTokenTtlS?: number;
  smsSigningSecret?: string;
  /** How far an SMS request's timestamp may be from now; default 5 minutes. */
  smsMaxAgeMs?: number;
  pushAppKey?: string;
  pushMasterSecret?: string;
  wechatAppId?: string;
  wechatAppSecret?: string;
  /** The fakes' clock (token expiry, SMS timestamps, arrival times); default Date.now. */
  now?: () => number;
}

export interface FakeProviders {
  /** `http://host:port`, the base URL for JPush and WeChat. */
  readonly url: string;
  /** Where each channel's adapter should point: base URLs for push and WeChat, full URLs for the webhooks. */
  readonly endpoints: { push: string; wechat: string; sms: string; coupon: string };
  readonly credentials: FakeCredentials;
  /** Every request the channel's provider received, duplicates and refusals included, in arrival order. */
  received(channel: FakeChannel): readonly ReceivedRequest[];
  /** The messages the channel's provider took on, once per idempotency key. */
  accepted(channel: FakeChannel): readonly AcceptedMessage[];
  /** How many WeChat access tokens were issued. */
  wechatTokenFetches(): number;
  /** The channel's next n requests get this answer (default: the provider's "busy, retry" error); n = 0 clears it. */
  failNext(channel: FakeChannel, n: number, answer?: Partial<ProviderAnswer>): void;
  /** Every answer on the channel is delayed this long (after the request was recorded and accepted). */
  setLatency(channel: FakeChannel, ms: number): void;
  /** Every WeChat token issued so far is refused as invalid (errcode 40001). */
  revokeWechatToken(): void;
  /** Every WeChat token issued so far is refused as expired (errcode 42001). */
  expireWechatToken(): void;
  /** Stops listening and drops open connections. Idempotent. */
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Local stand-ins for the four providers (JPush, WeChat official account, the SMS gateway and the
 * coupon system) for development and tests: they check what the real ones check, record what they
 * receive, deduplicate by idempotency key, and fail or slow down on demand. Nothing is logged per
 * request: a delivery test sends hundreds of thousands.
 */
export async function startFakeProviders(
  options: FakeProvidersOptions = {},
): Promise<FakeProviders> {
  const now = options.now ?? Date.now;
  const credentials: FakeCredentials = {
    pushAppKey: options.pushAppKey ?? 'fake-app-key',
    pushMasterSecret: options.pushMasterSecret ?? 'fake-master-secret',
    wechatAppId: options.wechatAppId ?? 'wx-fake-app',
    wechatAppSecret: options.wechatAppSecret ?? 'fake-app-secret',
    smsSigningSecret: options.smsSigningSecret ?? 'fake-sms-secret',
  };
  const tokens = new WechatTokens(options.wechatTokenTtlS ?? 7200, now);
  const routes = new Map<string, ChannelRoute>();
  for (const route of [
    jpushRoute(credentials),
    wechatSendRoute(tokens),
    smsRoute(credentials, now, options.smsMaxAgeMs ?? 5 * 60_000),
    couponRoute(),
  ])
    routes.set(route.path, route);
  const logs = new Map(FAKE_CHANNELS.map((channel) => [channel, new ChannelLog()]));
  const faults = new FaultPlan();
  const pending = new Set<NodeJS.Timeout>();

  function answer(res: ServerResponse, reply: ProviderAnswer, latencyMs: number): void {
    const write = () => {
      if (res.destroyed) return;
      const text = JSON.stringify(reply.body ?? null);
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    if (latencyMs <= 0) return write();
    const timer = setTimeout(() => {
      pending.delete(timer);
      write();
    }, latencyMs);
    pending.add(timer);
  }

  function handleMessage(route: ChannelRoute, request: ProviderRequest): ProviderAnswer {
    const log = logs.get(route.channel)!;
    const idempotencyKey = route.idempotencyKey(request);
    const entry: ReceivedRequest = {
      channel: route.channel,
      at: now(),
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body,
      rawBody: request.rawBody,
      idempotencyKey,
      status: 0,
      answer: null,
    };
    log.received.push(entry);
    const reply = faults.takeFailure(route.channel) ?? route.refuse(request) ?? accept();
    entry.status = reply.status;
    entry.answer = reply.body;
    return reply;

    function accept(): ProviderAnswer {
      const earlier = log.duplicateOf(idempotencyKey);
      if (earlier !== undefined) return route.accept(earlier.messageId, request);
      const messageId = route.messageId(log.nextSequence());
      log.accept({
        channel: route.channel,
        at: entry.at,
        idempotencyKey,
        messageId,
        headers: request.headers,
        body: request.body,
      });
      return route.accept(messageId, request);
    }
  }

  function dispatch(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: ProviderRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      body: rawBody === '' ? undefined : parseJson(rawBody),
    };
    if (request.path === '/cgi-bin/token' && request.method === 'GET')
      return answer(res, wechatTokenAnswer(request, credentials, tokens), 0);
    const route = routes.get(request.path);
    if (route === undefined || request.method !== 'POST')
      return answer(
        res,
        { status: 404, body: { error: `no route ${request.method} ${request.path}` } },
        0,
      );
    answer(res, handleMessage(route, request), faults.latency(route.channel));
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        answer(res, { status: 413, body: { error: 'body too large' } }, 0);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => dispatch(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;
  let stopping: Promise<void> | null = null;
  return {
    url,
    endpoints: { push: url, wechat: url, sms: `${url}/sms/send`, coupon: `${url}/coupon/issue` },
    credentials,
    received: (channel) => logs.get(channel)!.received,
    accepted: (channel) => logs.get(channel)!.accepted,
    wechatTokenFetches: () => tokens.fetches,
    failNext(channel, n, reply = {}) {
      const route = [...routes.values()].find((r) => r.channel === channel)!;
      faults.failNext(channel, n, {
        status: reply.status ?? route.defaultFailure.status,
        body: reply.body ?? route.defaultFailure.body,
      });
    },
    setLatency: (channel, ms) => faults.setLatency(channel, ms),
    revokeWechatToken: () => tokens.revokeAll(),
    expireWechatToken: () => tokens.expireAll(),
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        for (const timer of pending) clearTimeout(timer);
        pending.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
