/**
 * The HTTP server every engine instance runs: health, metrics, and (as the API grows) rules,
 * customers, segments and campaigns.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { registerHealthRoutes } from './health-routes.js';
import type { EngineStatus } from './health-routes.js';

export interface MetricsSource {
  readonly contentType: string;
  render(): Promise<string>;
}

export interface ApiServerOptions {
  host: string;
  port: number;
  metrics?: MetricsSource;
}

export interface ApiServer {
  readonly app: FastifyInstance;
  readonly port: number;
  attach(engine: EngineStatus): void;
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const app = Fastify({ logger: false });
  let engine: EngineStatus | undefined;
  registerHealthRoutes(app, () => engine);
  if (options.metrics !== undefined) {
    const metrics = options.metrics;
    app.get('/metrics', async (_request, reply) =>
      reply.type(metrics.contentType).send(await metrics.render()),
    );
  }
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    app,
    port,
    attach(current) {
      engine = current;
    },
    close: () => app.close(),
  };
}
