import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { RegistryFile } from './registry-file.js';
import { RegistryState } from './registry-state.js';
import { registerRoutes } from './routes.js';

export interface EmbeddedSchemaRegistryOptions {
  /** TCP port; 0 (the default) lets the system pick a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1: a development peer, not a network service). */
  host?: string;
  /** Where to keep `schema-registry.json`; without it everything lives in memory only. */
  dataDir?: string;
  /** fastify's logger option (default off). */
  logger?: FastifyServerOptions['logger'];
}

export interface EmbeddedSchemaRegistry {
  /** Base URL for clients, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening; calling it again does nothing. */
  close(): Promise<void>;
}

/**
 * Builds the registry's fastify app without listening: tests drive it with `inject`, and
 * `startEmbeddedSchemaRegistry` listens on it. Loads `<dataDir>/schema-registry.json` if present.
 */
export async function buildSchemaRegistryApp(
  options: Pick<EmbeddedSchemaRegistryOptions, 'dataDir' | 'logger'> = {},
): Promise<FastifyInstance> {
  const file = options.dataDir === undefined ? undefined : new RegistryFile(options.dataDir);
  const snapshot = await file?.load();
  const state = snapshot === undefined ? new RegistryState() : RegistryState.fromSnapshot(snapshot);
  const app = Fastify({ logger: options.logger ?? false });
  registerRoutes(app, state, file);
  return app;
}

/**
 * Starts an embedded Schema Registry speaking the Confluent REST API: a development and test peer
 * for `@kafkajs/confluent-schema-registry`, never the production path.
 */
export async function startEmbeddedSchemaRegistry(
  options: EmbeddedSchemaRegistryOptions = {},
): Promise<EmbeddedSchemaRegistry> {
  const app = await buildSchemaRegistryApp(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const port = (app.server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    close: () => (closing ??= app.close()),
  };
}

/** A host clients can connect to: a wildcard address means "this machine". */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
