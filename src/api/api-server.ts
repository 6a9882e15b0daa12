/**
 * The HTTP server every engine instance runs: health, metrics, docs, rules, customers and the
 * routes instances call on each other (segments and campaigns follow). `buildApiApp` builds it
 * without listening, for `inject` tests.
 */
import { Ajv } from 'ajv';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_CAMPAIGN_TIME_ZONE } from '../runtime/index.js';
import type { StoreQueries } from '../runtime/index.js';
import { registerAuth } from './auth.js';
import { registerCallbacksRoutes } from './callbacks-routes.js';
import type { CallbacksApiOptions } from './callbacks-port.js';
import { registerCampaignsRoutes } from './campaigns-routes.js';
import type { CampaignsApiOptions } from './campaigns-routes.js';
import { registerCustomersRoutes } from './customers-routes.js';
import type { ApiToken } from './auth.js';
import { registerErrorHandler } from './error-handler.js';
import { registerHealthRoutes } from './health-routes.js';
import type { EngineStatus } from './health-routes.js';
import { registerInternalRoutes } from './internal-routes.js';
import { collectOpenApi, renderDocsPage } from './openapi.js';
import { DEFAULT_PEER_TIMEOUT_MS } from './peer-client.js';
import { registerRulesRoutes } from './rules-routes.js';
import { registerSegmentsRoutes } from './segments-routes.js';
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
  /** The engine's task state, for the customer routes; may also be given with `attachQueries`. */
  queries?: StoreQueries;
  /** How long a request forwarded to another instance may take (default 5 s). */
  forwardTimeoutMs?: number;
  /** Campaign statistics routes (read from `queries`); default time zone Asia/Shanghai. */
  campaigns?: CampaignsApiOptions;
  /** Provider receipt routes, `/callbacks/:channel...`; absent: none are served. */
  callbacks?: CallbacksApiOptions;
}

export interface ApiServerOptions extends ApiAppOptions {
  host: string;
  port: number;
}

export interface ApiApp {
  readonly app: FastifyInstance;
  attach(engine: EngineStatus): void;
  attachRules(rules: RulesPort): void;
  attachQueries(queries: StoreQueries): void;
}

export interface ApiServer extends ApiApp {
  readonly port: number;
  close(): Promise<void>;
}

export async function buildApiApp(options: ApiAppOptions = {}): Promise<ApiApp> {
  // Long path parameters reach the route schema, which names the field, instead of a bare 414.
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 1_000 } });
  app.setValidatorCompiler(validatorCompiler());
  const openApi = collectOpenApi(app, { title: 'touchstream API', version: '1' });
  let engine: EngineStatus | undefined;
  let rules = options.rules;
  let queries = options.queries;
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
  registerCustomersRoutes(app, {
    queries: () => queries,
    forwardTimeoutMs: options.forwardTimeoutMs ?? DEFAULT_PEER_TIMEOUT_MS,
  });
  registerInternalRoutes(app, () => rules);
  registerSegmentsRoutes(app, {
    queries: () => queries,
    rules: () => rules,
    forwardTimeoutMs: options.forwardTimeoutMs ?? DEFAULT_PEER_TIMEOUT_MS,
  });
  registerCampaignsRoutes(app, {
    timeZone: options.campaigns?.timeZone ?? DEFAULT_CAMPAIGN_TIME_ZONE,
    queries: () => queries,
    forwardTimeoutMs: options.forwardTimeoutMs ?? DEFAULT_PEER_TIMEOUT_MS,
  });
  if (options.callbacks !== undefined) registerCallbacksRoutes(app, options.callbacks);
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
    attachQueries(current) {
      queries = current;
    },
  };
}

/**
 * Fastify's own Ajv settings, but with type coercion only where text is all there is: a number
 * in a JSON body where the schema wants a string must be a 400, not silently "5"; a query-string
 * or path value is always text and is read as the integer the schema asks for. An unknown query
 * parameter (a typo such as `limt`) is a 400 naming it rather than silently dropped.
 */
function validatorCompiler() {
  const base = { useDefaults: true, allErrors: false, strict: false } as const;
  const strict = new Ajv({ ...base, removeAdditional: true, coerceTypes: false });
  const coercing = new Ajv({ ...base, removeAdditional: false, coerceTypes: 'array' });
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema);
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const built = await buildApiApp(options);
  const { app } = built;
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return { ...built, port, close: () => app.close() };
}
