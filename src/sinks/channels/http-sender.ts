import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ProviderRejectedError, ProviderUnavailableError } from './errors.js';
import type { ChannelDeliveryError } from './errors.js';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** Sent as is; callers that sign the body sign exactly this string. */
  body?: string;
  timeoutMs: number;
}

export type HttpOutcome =
  | {
      kind: 'answer';
      status: number;
      /** The parsed JSON answer, or the raw text when it is not JSON. */
      body: unknown;
    }
  | { kind: 'timeout'; error: unknown }
  | { kind: 'network'; error: unknown };

/** Connections one adapter keeps to its provider at most; the rate-limit guard sets the real pace. */
const MAX_SOCKETS = 256;

/**
 * One channel's HTTP client: node:http with keep-alive connections of its own (several times the
 * throughput of global fetch for small JSON posts). Each request has a deadline covering the
 * whole answer; network trouble and timeouts are returned, never thrown.
 */
export class HttpSender {
  readonly #http = new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  readonly #https = new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });

  send(request: HttpRequest): Promise<HttpOutcome> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: HttpOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const url = new URL(request.url);
      const secure = url.protocol === 'https:';
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        { method: request.method, headers, agent: secure ? this.#https : this.#http },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            finish({
              kind: 'answer',
              status: res.statusCode ?? 0,
              body: parseBody(Buffer.concat(chunks).toString('utf8')),
            }),
          );
          res.on('error', (error) => finish({ kind: 'network', error }));
          res.on('close', () => {
            if (!res.complete) finish({ kind: 'network', error: new Error('answer cut off') });
          });
        },
      );
      const timer = setTimeout(() => {
        const error = new Error(`no answer within ${request.timeoutMs} ms`);
        finish({ kind: 'timeout', error });
        req.destroy(error);
      }, request.timeoutMs);
      req.on('error', (error) => finish({ kind: 'network', error }));
      req.end(request.body);
    });
  }

  /** Closes the pooled connections; requests in flight are cut off. */
  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** 429 and 5xx may pass; any other 4xx will be answered the same way again. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

function snippet(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function networkDetail(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.message === 'string' ? e.message : String(error);
}

/**
 * The default reading of a failed outcome: network error, timeout, 429 and 5xx are retryable,
 * other answers are rejections. Adapters that understand the provider's error body refine it.
 */
export function httpFailure(
  channel: string,
  outcome: HttpOutcome,
  timeoutMs: number,
): ChannelDeliveryError {
  if (outcome.kind === 'timeout')
    return new ProviderUnavailableError(channel, `no answer within ${timeoutMs} ms`, outcome.error);
  if (outcome.kind === 'network')
    return new ProviderUnavailableError(
      channel,
      `network error (${networkDetail(outcome.error)})`,
      outcome.error,
    );
  const reason = `HTTP ${outcome.status}: ${snippet(outcome.body)}`;
  return isRetryableStatus(outcome.status)
    ? new ProviderUnavailableError(channel, reason)
    : new ProviderRejectedError(channel, reason);
}
