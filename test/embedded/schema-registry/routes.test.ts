import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { REGISTRY_MEDIA_TYPE, buildSchemaRegistryApp } from '../../../src/embedded/index.js';

interface Answer {
  status: number;
  body: unknown;
  contentType: string | undefined;
}

async function call(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<Answer> {
  const response = await app.inject({
    method,
    url,
    ...(body === undefined
      ? {}
      : { payload: JSON.stringify(body), headers: { 'content-type': REGISTRY_MEDIA_TYPE } }),
  });
  const contentType = response.headers['content-type'];
  return {
    status: response.statusCode,
    body: response.body === '' ? undefined : JSON.parse(response.body),
    contentType: contentType as string | undefined,
  };
}

/** A claim record schema; `extra` fields are appended after the id. */
function claimSchema(extra: unknown[] = []): string {
  return JSON.stringify({
    type: 'record',
    name: 'Claim',
    namespace: 'com.example',
    fields: [{ name: 'id', type: 'string' }, ...extra],
  });
}

const withAmount = claimSchema([{ name: 'amount', type: ['null', 'double'], default: null }]);
const withRequiredAmount = claimSchema([{ name: 'amount', type: 'double' }]);

describe('schema registry REST API', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await buildSchemaRegistryApp();
  });
  after(async () => {
    await app.close();
  });

  it('registers a schema and answers with its id in the registry media type', async () => {
    const answer = await call(app, 'POST', '/subjects/claims-value/versions', {
      schema: claimSchema(),
    });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { id: 1 });
    assert.equal(answer.contentType, REGISTRY_MEDIA_TYPE);
  });

  it('gives the same schema, written differently, the same id without a new version', async () => {
    const spaced = JSON.stringify(JSON.parse(claimSchema()), null, 4);
    assert.deepEqual(
      (await call(app, 'POST', '/subjects/claims-value/versions', { schema: spaced })).body,
      { id: 1 },
    );
    assert.deepEqual((await call(app, 'GET', '/subjects/claims-value/versions')).body, [1]);
  });

  it('shares one id across subjects for one schema', async () => {
    assert.deepEqual(
      (await call(app, 'POST', '/subjects/claims-copy-value/versions', { schema: claimSchema() }))
        .body,
      { id: 1 },
    );
    assert.deepEqual((await call(app, 'GET', '/schemas/ids/1/versions')).body, [
      { subject: 'claims-copy-value', version: 1 },
      { subject: 'claims-value', version: 1 },
    ]);
  });

  it('gets a schema by id, and its text alone', async () => {
    const answer = await call(app, 'GET', '/schemas/ids/1');
    assert.equal(answer.status, 200);
    const body = answer.body as { schema: string; schemaType?: string };
    assert.equal(body.schemaType, undefined);
    assert.equal(JSON.parse(body.schema).name, 'com.example.Claim');
    assert.deepEqual(
      (await call(app, 'GET', '/schemas/ids/1/schema')).body,
      JSON.parse(body.schema),
    );
  });

  it('answers 40403 for an unknown schema id', async () => {
    const answer = await call(app, 'GET', '/schemas/ids/999');
    assert.equal(answer.status, 404);
    assert.deepEqual(answer.body, { error_code: 40403, message: 'Schema 999 not found.' });
  });

  it('refuses an incompatible schema with 409 and the registry error shape', async () => {
    const answer = await call(app, 'POST', '/subjects/claims-value/versions', {
      schema: withRequiredAmount,
    });
    assert.equal(answer.status, 409);
    const body = answer.body as { error_code: number; message: string };
    assert.equal(body.error_code, 409);
    assert.match(
      body.message,
      /^Schema being registered is incompatible with an earlier schema for subject "claims-value"/,
    );
    assert.match(body.message, /READER_FIELD_MISSING_DEFAULT_VALUE/);
    assert.match(body.message, /\{compatibility: 'BACKWARD'\}/);
  });

  it('accepts a compatible evolution as the next version with a new id', async () => {
    assert.deepEqual(
      (await call(app, 'POST', '/subjects/claims-value/versions', { schema: withAmount })).body,
      { id: 2 },
    );
    assert.deepEqual((await call(app, 'GET', '/subjects/claims-value/versions')).body, [1, 2]);
  });

  it('lists subjects in name order', async () => {
    assert.deepEqual((await call(app, 'GET', '/subjects')).body, [
      'claims-copy-value',
      'claims-value',
    ]);
  });

  it('gets a version by number, by latest and by -1', async () => {
    const first = (await call(app, 'GET', '/subjects/claims-value/versions/1')).body as Record<
      string,
      unknown
    >;
    assert.deepEqual(
      { ...first, schema: undefined },
      { subject: 'claims-value', version: 1, id: 1, schema: undefined },
    );
    for (const spelling of ['latest', '-1']) {
      const latest = (await call(app, 'GET', `/subjects/claims-value/versions/${spelling}`))
        .body as Record<string, unknown>;
      assert.equal(latest.version, 2);
      assert.equal(latest.id, 2);
    }
    const text = (await call(app, 'GET', '/subjects/claims-value/versions/2/schema')).body as {
      name: string;
    };
    assert.equal(text.name, 'com.example.Claim');
  });

  it('answers 40401 for an unknown subject and 40402 for an unknown version', async () => {
    assert.deepEqual(await call(app, 'GET', '/subjects/nope/versions'), {
      status: 404,
      body: { error_code: 40401, message: "Subject 'nope' not found." },
      contentType: REGISTRY_MEDIA_TYPE,
    });
    const missing = await call(app, 'GET', '/subjects/claims-value/versions/7');
    assert.equal(missing.status, 404);
    assert.equal((missing.body as { error_code: number }).error_code, 40402);
  });

  it('answers 42202 for a version that is not a version id', async () => {
    for (const version of ['zero', '0', '-2', '99999999999']) {
      const answer = await call(app, 'GET', `/subjects/claims-value/versions/${version}`);
      assert.equal(answer.status, 422, version);
      assert.equal((answer.body as { error_code: number }).error_code, 42202, version);
    }
  });

  it('answers 42201 for a schema that is not valid Avro, naming the problem', async () => {
    const bad = await call(app, 'POST', '/subjects/bad-value/versions', {
      schema: JSON.stringify({
        type: 'record',
        name: 'Bad',
        fields: [{ name: 'a', type: 'nosuchtype' }],
      }),
    });
    assert.equal(bad.status, 422);
    const body = bad.body as { error_code: number; message: string };
    assert.equal(body.error_code, 42201);
    assert.match(body.message, /nosuchtype/);
    const notJson = await call(app, 'POST', '/subjects/bad-value/versions', {
      schema: '{"type": "rec',
    });
    assert.equal((notJson.body as { error_code: number }).error_code, 42201);
    const empty = await call(app, 'POST', '/subjects/bad-value/versions', {});
    assert.equal((empty.body as { error_code: number }).error_code, 42201);
    const protobuf = await call(app, 'POST', '/subjects/bad-value/versions', {
      schema: 'syntax = "proto3";',
      schemaType: 'PROTOBUF',
    });
    assert.equal((protobuf.body as { error_code: number }).error_code, 42201);
  });

  it('looks a schema up in a subject', async () => {
    const found = (await call(app, 'POST', '/subjects/claims-value', { schema: withAmount }))
      .body as Record<string, unknown>;
    assert.equal(found.subject, 'claims-value');
    assert.equal(found.version, 2);
    assert.equal(found.id, 2);
    const absent = await call(app, 'POST', '/subjects/claims-value', {
      schema: withRequiredAmount,
    });
    assert.equal(absent.status, 404);
    assert.equal((absent.body as { error_code: number }).error_code, 40403);
    const noSubject = await call(app, 'POST', '/subjects/nope', { schema: withAmount });
    assert.equal((noSubject.body as { error_code: number }).error_code, 40401);
  });

  it('checks compatibility against a version without registering', async () => {
    const ok = await call(app, 'POST', '/compatibility/subjects/claims-value/versions/latest', {
      schema: withAmount,
    });
    assert.deepEqual(ok.body, { is_compatible: true });
    const refused = await call(
      app,
      'POST',
      '/compatibility/subjects/claims-value/versions/1?verbose=true',
      { schema: withRequiredAmount },
    );
    const body = refused.body as { is_compatible: boolean; messages: string[] };
    assert.equal(refused.status, 200);
    assert.equal(body.is_compatible, false);
    assert.match(body.messages[0], /READER_FIELD_MISSING_DEFAULT_VALUE/);
    assert.match(body.messages[0], /reader: the new schema, writer: version 1/);
    assert.ok(body.messages.includes("{compatibility: 'BACKWARD'}"));
    assert.deepEqual((await call(app, 'GET', '/subjects/claims-value/versions')).body, [1, 2]);
    const all = await call(app, 'POST', '/compatibility/subjects/claims-value/versions', {
      schema: withRequiredAmount,
    });
    assert.deepEqual(all.body, { is_compatible: false });
    const unknown = await call(app, 'POST', '/compatibility/subjects/nope/versions/latest', {
      schema: withAmount,
    });
    assert.equal((unknown.body as { error_code: number }).error_code, 40401);
  });

  it('reads and sets the global and subject compatibility config', async () => {
    assert.deepEqual((await call(app, 'GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
    const none = await call(app, 'GET', '/config/claims-value');
    assert.equal(none.status, 404);
    assert.equal((none.body as { error_code: number }).error_code, 40408);
    assert.deepEqual((await call(app, 'GET', '/config/claims-value?defaultToGlobal=true')).body, {
      compatibilityLevel: 'BACKWARD',
    });
    assert.deepEqual(
      (await call(app, 'PUT', '/config/claims-value', { compatibility: 'none' })).body,
      { compatibility: 'NONE' },
    );
    assert.deepEqual((await call(app, 'GET', '/config/claims-value')).body, {
      compatibilityLevel: 'NONE',
    });
    const invalid = await call(app, 'PUT', '/config', { compatibility: 'SIDEWAYS' });
    assert.equal(invalid.status, 422);
    assert.equal((invalid.body as { error_code: number }).error_code, 42203);
    assert.deepEqual((await call(app, 'PUT', '/config', { compatibility: 'FULL' })).body, {
      compatibility: 'FULL',
    });
    assert.deepEqual((await call(app, 'GET', '/config')).body, { compatibilityLevel: 'FULL' });
    await call(app, 'PUT', '/config', { compatibility: 'BACKWARD' });
  });

  it('registers an incompatible schema when the subject level is NONE', async () => {
    assert.deepEqual(
      (await call(app, 'POST', '/subjects/claims-value/versions', { schema: withRequiredAmount }))
        .body,
      { id: 3 },
    );
    assert.deepEqual((await call(app, 'DELETE', '/config/claims-value')).body, {
      compatibilityLevel: 'NONE',
    });
    assert.equal((await call(app, 'GET', '/config/claims-value')).status, 404);
  });

  it('soft-deletes a subject, then deletes it permanently', async () => {
    const early = await call(app, 'DELETE', '/subjects/claims-copy-value?permanent=true');
    assert.equal((early.body as { error_code: number }).error_code, 40405);
    assert.deepEqual((await call(app, 'DELETE', '/subjects/claims-copy-value')).body, [1]);
    assert.deepEqual((await call(app, 'GET', '/subjects')).body, ['claims-value']);
    assert.deepEqual((await call(app, 'GET', '/subjects?deleted=true')).body, [
      'claims-copy-value',
      'claims-value',
    ]);
    const again = await call(app, 'DELETE', '/subjects/claims-copy-value');
    assert.equal((again.body as { error_code: number }).error_code, 40404);
    assert.deepEqual(
      (await call(app, 'DELETE', '/subjects/claims-copy-value?permanent=true')).body,
      [1],
    );
    const gone = await call(app, 'DELETE', '/subjects/claims-copy-value');
    assert.equal((gone.body as { error_code: number }).error_code, 40401);
    assert.equal(
      (await call(app, 'GET', '/schemas/ids/1')).status,
      200,
      'ids stay readable for old records',
    );
  });

  it('deletes one version and numbers the next registration after it', async () => {
    assert.equal((await call(app, 'DELETE', '/subjects/claims-value/versions/3')).body, 3);
    assert.deepEqual((await call(app, 'GET', '/subjects/claims-value/versions')).body, [1, 2]);
    const next = claimSchema([
      { name: 'amount', type: ['null', 'double'], default: null },
      { name: 'note', type: 'string', default: '' },
    ]);
    assert.deepEqual(
      (await call(app, 'POST', '/subjects/claims-value/versions', { schema: next })).body,
      { id: 4 },
    );
    assert.deepEqual((await call(app, 'GET', '/subjects/claims-value/versions')).body, [1, 2, 4]);
  });

  it('stores JSON schemas without checking their compatibility', async () => {
    const first = {
      schemaType: 'JSON',
      schema: JSON.stringify({ type: 'object', properties: { a: { type: 'string' } } }),
    };
    const second = {
      schemaType: 'JSON',
      schema: JSON.stringify({ type: 'object', required: ['b'] }),
    };
    const one = (await call(app, 'POST', '/subjects/json-value/versions', first)).body as {
      id: number;
    };
    const two = (await call(app, 'POST', '/subjects/json-value/versions', second)).body as {
      id: number;
    };
    assert.notEqual(one.id, two.id);
    const byId = (await call(app, 'GET', `/schemas/ids/${one.id}`)).body as { schemaType: string };
    assert.equal(byId.schemaType, 'JSON');
    const avroAfterJson = await call(app, 'POST', '/subjects/json-value/versions', {
      schema: claimSchema(),
    });
    assert.equal(avroAfterJson.status, 409, 'a change of schema type is never compatible');
  });

  it('resolves Avro references to other subjects', async () => {
    const vehicle = JSON.stringify({
      type: 'record',
      name: 'Vehicle',
      namespace: 'com.example',
      fields: [{ name: 'plate', type: 'string' }],
    });
    await call(app, 'POST', '/subjects/vehicle/versions', { schema: vehicle });
    const policy = JSON.stringify({
      type: 'record',
      name: 'Policy',
      namespace: 'com.example',
      fields: [{ name: 'vehicle', type: 'Vehicle' }],
    });
    const references = [{ name: 'com.example.Vehicle', subject: 'vehicle', version: 1 }];
    const registered = await call(app, 'POST', '/subjects/policy-value/versions', {
      schema: policy,
      references,
    });
    assert.equal(registered.status, 200);
    const stored = (await call(app, 'GET', '/subjects/policy-value/versions/latest')).body as {
      references: unknown;
    };
    assert.deepEqual(stored.references, references);
    const unresolved = await call(app, 'POST', '/subjects/policy2-value/versions', {
      schema: policy,
    });
    assert.equal((unresolved.body as { error_code: number }).error_code, 42201);
    const missing = await call(app, 'POST', '/subjects/policy3-value/versions', {
      schema: policy,
      references: [{ name: 'com.example.Vehicle', subject: 'vehicle', version: 9 }],
    });
    const body = missing.body as { error_code: number; message: string };
    assert.equal(body.error_code, 42201);
    assert.match(body.message, /a reference does not resolve: Version 9 not found/);
  });

  it('answers the root, the schema types and the mode', async () => {
    assert.deepEqual((await call(app, 'GET', '/')).body, {});
    assert.deepEqual((await call(app, 'GET', '/schemas/types')).body, ['JSON', 'AVRO']);
    assert.deepEqual((await call(app, 'GET', '/mode')).body, { mode: 'READWRITE' });
  });

  it('answers 40408 when deleting a subject config that was never set', async () => {
    const answer = await call(app, 'DELETE', '/config/claims-value');
    assert.equal(answer.status, 404);
    assert.equal((answer.body as { error_code: number }).error_code, 40408);
  });

  it('answers 422 for malformed references', async () => {
    const answer = await call(app, 'POST', '/subjects/x/versions', {
      schema: claimSchema(),
      references: [{ name: 'a', subject: 'b' }],
    });
    assert.equal(answer.status, 422);
    const body = answer.body as { error_code: number; message: string };
    assert.equal(body.error_code, 422);
    assert.match(body.message, /references\[0\]/);
  });

  it('answers the registry shape for unknown routes and unparseable bodies', async () => {
    const route = await call(app, 'GET', '/nowhere');
    assert.equal(route.status, 404);
    assert.equal((route.body as { error_code: number }).error_code, 404);
    const response = await app.inject({
      method: 'POST',
      url: '/subjects/x/versions',
      payload: '{not json',
      headers: { 'content-type': REGISTRY_MEDIA_TYPE },
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error_code, 400);
  });
});
