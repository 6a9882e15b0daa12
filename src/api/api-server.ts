/**
 * The HTTP server every engine instance runs: health, metrics, docs and rules (customers,
 * segments and campaigns follow). `buildApiApp` builds it without listening, for `inject` tests.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { registerAuth } from './auth.js';
import type { ApiToken } from './auth.js';
import { registerErrorHandler } from './error-handler.js';
import { registerHealthRoutes } from './health-routes.js';
import type { EngineStatus } from './health-routes.js';
import { collectOpenApi, renderDocsPage } from './openapi.js';
import { registerRulesRoutes } from './rules-routes.js';
import type { RulesPort } from './rules-port.js';

export interface MetricsSource {
  readonly contentType: string;
  render(): Promise<string>;
}

export interface ApiAppOptions {
  metrics?: MetricsSource;
  /** Bearer tokens and their roles; with none, every protected route answers 401. */
  tokens?: readonly ApiToken[];
  /** May also be given later with `attachRules` (the CLI wires it once the engine runs). */
  rules?: RulesPort;
}

export interface ApiServerOptions extends ApiAppOptions {
  host: string;
  port: number;
}

export interface ApiApp {
  readonly app: FastifyInstance;
  attach(engine: EngineStatus): void;
  attachRules(rules: RulesPort): void;
}

export interface ApiServer extends ApiApp {
  readonly port: number;
  close(): Promise<void>;
}

export async function buildApiApp(options: ApiAppOptions = {}): Promise<ApiApp> {
  // Coercion off: a number where the schema wants a string must be a 400, not silently "5".
  const app = Fastify({ logger: false, ajv: { customOptions: { coerceTypes: false } } });
  const openApi = collectOpenApi(app, { title: 'touchstream API', version: '1' });
  let engine: EngineStatus | undefined;
  let rules = options.rules;
  registerErrorHandler(app);
  registerAuth(app, options.tokens ?? []);
  registerHealthRoutes(app, () => engine);
  if (options.metrics !== undefined) {
    const metrics = options.metrics;
    app.get(
      '/metrics',
      { schema: { summary: 'Prometheus metrics', tags: ['health'] } },
      async (_request, reply) => reply.type(metrics.contentType).send(await metrics.render()),
    );
  }
  registerRulesRoutes(app, () => rules);
  app.get(
    '/docs/json',
    { schema: { summary: 'This OpenAPI document', tags: ['docs'] } },
    async () => openApi.document(),
  );
  app.get(
    '/docs',
    { schema: { summary: 'Human-readable API documentation', tags: ['docs'] } },
    async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(renderDocsPage(openApi.document())),
  );
  await app.ready();
  return {
    app,
    attach(current) {
      engine = current;
    },
    attachRules(current) {
      rules = current;
    },
  };
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const built = await buildApiApp(options);
  const { app } = built;
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return { ...built, port, close: () => app.close() };
}
