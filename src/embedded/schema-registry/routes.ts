import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SchemaRegistryError, schemaNotFound } from './errors.js';
import type { RegistryFile } from './registry-file.js';
import { parseVersion } from './registry-state.js';
import type { RegistryState } from './registry-state.js';
import { compatibilityFromBody, schemaSourceFromBody } from './request-bodies.js';

/** The media type Confluent clients send and expect; plain JSON is accepted too. */
export const REGISTRY_MEDIA_TYPE = 'application/vnd.schemaregistry.v1+json';

type SubjectParams = { subject: string };
type VersionParams = { subject: string; version: string };
type IdParams = { id: string };
type Flags = { deleted?: string; permanent?: string; verbose?: string; defaultToGlobal?: string };

function flag(value: string | undefined): boolean {
  return value === 'true';
}

function schemaId(text: string): number {
  const id = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw schemaNotFound(text);
  return id;
}

/**
 * The part of the Confluent Schema Registry REST API that @kafkajs/confluent-schema-registry and
 * the engine call, plus the usual read and delete endpoints. Writes are persisted (when a data
 * directory is set) before they are answered, so an acknowledged schema survives a restart.
 */
export function registerRoutes(
  app: FastifyInstance,
  state: RegistryState,
  file: RegistryFile | undefined,
): void {
  const persist = async (): Promise<void> => {
    if (file !== undefined) await file.save(() => state.snapshot());
  };

  app.addContentTypeParser(
    [REGISTRY_MEDIA_TYPE, 'application/vnd.schemaregistry+json', 'application/octet-stream'],
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json'))
      reply.header('content-type', REGISTRY_MEDIA_TYPE);
    return payload;
  });
  app.setErrorHandler(
    (error: FastifyError | SchemaRegistryError, _request: FastifyRequest, reply: FastifyReply) => {
      if (error instanceof SchemaRegistryError) {
        return reply
          .status(error.statusCode)
          .send({ error_code: error.errorCode, message: error.message });
      }
      const status =
        typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
      if (status >= 500) app.log.error({ err: error }, 'schema registry request failed');
      return reply
        .status(status)
        .send({ error_code: status === 500 ? 50001 : status, message: error.message });
    },
  );
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error_code: 404, message: `HTTP 404 Not Found: ${request.method} ${request.url}` }),
  );

  app.get('/', async () => ({}));
  app.get('/schemas/types', async () => ['JSON', 'AVRO']);
  app.get('/mode', async () => ({ mode: 'READWRITE' }));

  app.get<{ Params: IdParams }>('/schemas/ids/:id', async (request) =>
    state.schemaById(schemaId(request.params.id)),
  );
  app.get<{ Params: IdParams }>('/schemas/ids/:id/schema', async (request, reply) =>
    reply.type(REGISTRY_MEDIA_TYPE).send(state.schemaById(schemaId(request.params.id)).schema),
  );
  app.get<{ Params: IdParams }>('/schemas/ids/:id/versions', async (request) =>
    state.versionsOfId(schemaId(request.params.id)),
  );

  app.get<{ Querystring: Flags }>('/subjects', async (request) =>
    state.subjects(flag(request.query.deleted)),
  );
  app.get<{ Params: SubjectParams; Querystring: Flags }>(
    '/subjects/:subject/versions',
    async (request) => state.versions(request.params.subject, flag(request.query.deleted)),
  );
  app.get<{ Params: VersionParams; Querystring: Flags }>(
    '/subjects/:subject/versions/:version',
    async (request) => {
      const { subject, version } = request.params;
      return state.version(subject, parseVersion(subject, version), flag(request.query.deleted));
    },
  );
  app.get<{ Params: VersionParams }>(
    '/subjects/:subject/versions/:version/schema',
    async (request, reply) => {
      const { subject, version } = request.params;
      return reply
        .type(REGISTRY_MEDIA_TYPE)
        .send(state.version(subject, parseVersion(subject, version)).schema);
    },
  );

  app.post<{ Params: SubjectParams }>('/subjects/:subject/versions', async (request) => {
    const { id, created } = state.register(
      request.params.subject,
      schemaSourceFromBody(request.body),
    );
    if (created) await persist();
    return { id };
  });
  app.post<{ Params: SubjectParams; Querystring: Flags }>('/subjects/:subject', async (request) =>
    state.lookup(
      request.params.subject,
      schemaSourceFromBody(request.body),
      flag(request.query.deleted),
    ),
  );
  app.delete<{ Params: SubjectParams; Querystring: Flags }>(
    '/subjects/:subject',
    async (request) => {
      const versions = state.deleteSubject(request.params.subject, flag(request.query.permanent));
      await persist();
      return versions;
    },
  );
  app.delete<{ Params: VersionParams; Querystring: Flags }>(
    '/subjects/:subject/versions/:version',
    async (request) => {
      const { subject, version } = request.params;
      const deleted = state.deleteVersion(
        subject,
        parseVersion(subject, version),
        flag(request.query.permanent),
      );
      await persist();
      return deleted;
    },
  );

  app.post<{ Params: VersionParams; Querystring: Flags }>(
    '/compatibility/subjects/:subject/versions/:version',
    async (request) => {
      const { subject, version } = request.params;
      const result = state.checkCompatibility(
        subject,
        parseVersion(subject, version),
        schemaSourceFromBody(request.body),
      );
      return compatibilityAnswer(
        result.problems.length === 0,
        result.messages,
        flag(request.query.verbose),
      );
    },
  );
  app.post<{ Params: SubjectParams; Querystring: Flags }>(
    '/compatibility/subjects/:subject/versions',
    async (request) => {
      const result = state.checkCompatibility(
        request.params.subject,
        undefined,
        schemaSourceFromBody(request.body),
      );
      return compatibilityAnswer(
        result.problems.length === 0,
        result.messages,
        flag(request.query.verbose),
      );
    },
  );

  app.get('/config', async () => ({ compatibilityLevel: state.globalConfig() }));
  app.put('/config', async (request) => {
    const compatibility = compatibilityFromBody(request.body);
    state.setGlobalConfig(compatibility);
    await persist();
    return { compatibility };
  });
  app.get<{ Params: SubjectParams; Querystring: Flags }>('/config/:subject', async (request) => ({
    compatibilityLevel: state.subjectConfig(
      request.params.subject,
      flag(request.query.defaultToGlobal),
    ),
  }));
  app.put<{ Params: SubjectParams }>('/config/:subject', async (request) => {
    const compatibility = compatibilityFromBody(request.body);
    state.setSubjectConfig(request.params.subject, compatibility);
    await persist();
    return { compatibility };
  });
  app.delete<{ Params: SubjectParams }>('/config/:subject', async (request) => {
    const compatibilityLevel = state.deleteSubjectConfig(request.params.subject);
    await persist();
    return { compatibilityLevel };
  });
}

function compatibilityAnswer(
  compatible: boolean,
  messages: string[],
  verbose: boolean,
): Record<string, unknown> {
  return verbose ? { is_compatible: compatible, messages } : { is_compatible: compatible };
}
