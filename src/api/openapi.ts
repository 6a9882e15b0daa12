/**
 * Builds an OpenAPI 3.0 document from the routes as they are registered (fastify's onRoute
 * hook), so the document can never list a route the server lacks or miss one it has.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

declare module 'fastify' {
  interface FastifySchema {
    /** One line for the documentation page and the OpenAPI operation. */
    summary?: string;
    tags?: string[];
  }
}

interface RouteSchema {
  summary?: string;
  tags?: string[];
  params?: { properties?: Record<string, unknown>; required?: string[] };
  querystring?: { properties?: Record<string, unknown>; required?: string[] };
  body?: unknown;
  response?: Record<string, unknown>;
}

export interface OpenApiInfo {
  title: string;
  version: string;
}

export interface OpenApiCollector {
  document(): Record<string, unknown>;
}

const HIDDEN = new Set(['HEAD']);

function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(where: 'path' | 'query', schema: RouteSchema['params']): unknown[] {
  const required = new Set(schema?.required ?? []);
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

function operation(route: RouteOptions): Record<string, unknown> {
  const schema = (route.schema ?? {}) as RouteSchema;
  const op: Record<string, unknown> = {};
  if (schema.summary !== undefined) op.summary = schema.summary;
  if (schema.tags !== undefined) op.tags = schema.tags;
  const params = [...parameters('path', schema.params), ...parameters('query', schema.querystring)];
  if (params.length > 0) op.parameters = params;
  if (schema.body !== undefined) {
    op.requestBody = { required: true, content: { 'application/json': { schema: schema.body } } };
  }
  const responses: Record<string, unknown> = {};
  for (const [status, body] of Object.entries(schema.response ?? {})) {
    responses[status] = {
      description: `HTTP ${status}`,
      content: { 'application/json': { schema: body } },
    };
  }
  if (Object.keys(responses).length === 0) responses['200'] = { description: 'HTTP 200' };
  op.responses = responses;
  const role = (route.config as { role?: string } | undefined)?.role;
  if (role !== undefined) {
    op.security = [{ bearer: [] }];
    op['x-role'] = role;
  }
  return op;
}

/** Must be called before any route it should list is registered. */
export function collectOpenApi(app: FastifyInstance, info: OpenApiInfo): OpenApiCollector {
  const paths: Record<string, Record<string, unknown>> = {};
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (HIDDEN.has(method)) continue;
      const path = openApiPath(route.url);
      paths[path] ??= {};
      paths[path][method.toLowerCase()] = operation(route);
    }
  });
  return {
    document: () => ({
      openapi: '3.0.3',
      info,
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      paths,
    }),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A dependency-free page listing every operation; the JSON is the machine-readable source. */
export function renderDocsPage(document: Record<string, unknown>): string {
  const info = document.info as OpenApiInfo;
  const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>;
  const rows: string[] = [];
  for (const path of Object.keys(paths).sort()) {
    for (const [method, op] of Object.entries(paths[path])) {
      const role = typeof op['x-role'] === 'string' ? op['x-role'] : 'open';
      rows.push(
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td>` +
          `<td>${escapeHtml(role)}</td><td>${escapeHtml(String(op.summary ?? ''))}</td></tr>`,
      );
    }
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(info.title)}</title></head>
<body><h1>${escapeHtml(info.title)} ${escapeHtml(info.version)}</h1>
<p>Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>. Roles: viewer &lt; operator &lt; author.
The full OpenAPI document, with every schema, is at <a href="/docs/json">/docs/json</a>.</p>
<table border="1" cellpadding="4"><thead><tr><th>method</th><th>path</th><th>least role</th><th>summary</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></body></html>`;
}
