/**
 * HTTP load with autocannon's programmatic API: a fixed number of connections for a fixed time,
 * each request on the next of a list of paths, optionally checking which instance served it.
 *
 * autocannon ships no type declarations, so it is loaded through createRequire and narrowed here
 * to the few options and result fields the benches use. Its latency histogram holds whole
 * milliseconds (a local read answers in well under one), so the percentiles here come from the
 * fractional response times of its 'response' events instead.
 */
import { createRequire } from 'node:module';
import { percentile } from './kafka-e2e-cluster.js';

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
}

interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  requests: {
    setupRequest(request: AutocannonRequest): AutocannonRequest;
    onResponse?(
      status: number,
      body: string,
      context: unknown,
      headers: Record<string, string | string[]>,
    ): void;
  }[];
}

interface AutocannonResult {
  duration: number;
  errors: number;
  non2xx: number;
  '2xx': number;
  requests: { total: number };
}

interface AutocannonRun extends Promise<AutocannonResult> {
  on(
    event: 'response',
    listener: (client: unknown, status: number, bytes: number, responseMs: number) => void,
  ): this;
}

const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: AutocannonOptions,
) => AutocannonRun;

export interface HttpLoadOptions {
  /** Base address, e.g. http://127.0.0.1:8080 */
  address: string;
  /** Paths asked in turn, round robin over all connections. */
  paths: readonly string[];
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  /** A response header whose value every answer must carry (checked, counted when it does not). */
  expectHeader?: { name: string; value: string };
}

export interface HttpLoadResult {
  /** 2xx answers per second. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  /** Non-2xx answers, connection errors and timeouts. */
  failures: number;
  /** Answers without the expected header value. */
  unexpected: number;
}

export async function httpLoad(options: HttpLoadOptions): Promise<HttpLoadResult> {
  if (options.paths.length === 0) throw new Error('httpLoad needs at least one path');
  let next = 0;
  let unexpected = 0;
  const expect = options.expectHeader;
  const expectName = expect?.name.toLowerCase();
  const latencies: number[] = [];
  const running = autocannon({
    url: options.address,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
    requests: [
      {
        setupRequest: (request) => {
          const path = options.paths[next];
          next = (next + 1) % options.paths.length;
          return { ...request, path };
        },
        onResponse:
          expect === undefined
            ? undefined
            : (_status, _body, _context, headers) => {
                const found = Object.entries(headers).find(
                  ([name]) => name.toLowerCase() === expectName,
                )?.[1];
                if (found !== expect.value) unexpected += 1;
              },
      },
    ],
  });
  running.on('response', (_client, status, _bytes, responseMs) => {
    if (status >= 200 && status < 300) latencies.push(responseMs);
  });
  const result = await running;
  latencies.sort((x, y) => x - y);
  const ms = (value: number) => Number(value.toFixed(2));
  return {
    rps: result['2xx'] / result.duration,
    p50Ms: ms(percentile(latencies, 50)),
    p99Ms: ms(percentile(latencies, 99)),
    maxMs: ms(latencies.at(-1) ?? Number.NaN),
    requests: result.requests.total,
    // autocannon's errors include its timeouts.
    failures: result.non2xx + result.errors,
    unexpected,
  };
}
