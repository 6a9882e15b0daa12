/**
 * A fake provider at the outer edge: accepts every POST /<channel>, answers 200, and records the
 * idempotency key, the channel and when (by the test's clock) each request arrived.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';

export interface ProviderLog {
  keys: string[];
  channels: string[];
  /** The test's clock at arrival (simulated time, epoch ms). */
  at: number[];
}

export class HttpProvider {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly log: ProviderLog,
    private readonly distinct: Set<string>,
  ) {}

  static async start(clock: () => number): Promise<HttpProvider> {
    const log: ProviderLog = { keys: [], channels: [], at: [] };
    const distinct = new Set<string>();
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const key = String(request.headers['idempotency-key'] ?? '');
        log.keys.push(key);
        log.channels.push((request.url ?? '/').slice(1));
        log.at.push(clock());
        distinct.add(key);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok":true}');
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return new HttpProvider(server, `http://127.0.0.1:${port}`, log, distinct);
  }

  /** Distinct idempotency keys accepted so far. */
  get accepted(): number {
    return this.distinct.size;
  }

  distinctKeys(): ReadonlySet<string> {
    return this.distinct;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
