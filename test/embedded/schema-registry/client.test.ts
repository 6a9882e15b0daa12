import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { startEmbeddedSchemaRegistry } from '../../../src/embedded/index.js';
import type { EmbeddedSchemaRegistry } from '../../../src/embedded/index.js';

/** A policy record; `extra` fields follow the two it always has. */
function policySchema(extra: unknown[] = []): string {
  return JSON.stringify({
    type: 'record',
    name: 'Policy',
    namespace: 'com.example',
    fields: [{ name: 'policyId', type: 'string' }, { name: 'premium', type: 'int' }, ...extra],
  });
}

const avro = (schema: string) => ({ type: SchemaType.AVRO as const, schema });
const noRetry = { retries: 0 };

describe('embedded schema registry with @kafkajs/confluent-schema-registry', () => {
  let registry: EmbeddedSchemaRegistry;
  let client: SchemaRegistry;
  before(async () => {
    registry = await startEmbeddedSchemaRegistry();
    client = new SchemaRegistry({ host: registry.url, retry: noRetry });
  });
  after(async () => {
    await registry.close();
  });

  it('listens on a picked port and says where', () => {
    assert.ok(registry.port > 0);
    assert.equal(registry.url, `http://127.0.0.1:${registry.port}`);
  });

  it('registers, encodes and decodes a record', async () => {
    const { id } = await client.register(avro(policySchema()));
    const encoded = await client.encode(id, { policyId: 'P-1', premium: 1200 });
    assert.equal(encoded[0], 0);
    assert.equal(encoded.readInt32BE(1), id);
    assert.deepEqual({ ...(await client.decode(encoded)) }, { policyId: 'P-1', premium: 1200 });
  });

  it('gives the same schema the same id', async () => {
    const first = await client.register(avro(policySchema()));
    const second = await client.register(avro(JSON.stringify(JSON.parse(policySchema()), null, 2)));
    assert.equal(second.id, first.id);
  });

  it('refuses an incompatible change with the registry 409', async () => {
    await assert.rejects(
      client.register(avro(policySchema([{ name: 'channel', type: 'string' }]))),
      (error: Error & { status?: number }) => {
        assert.equal(error.status, 409);
        assert.match(
          error.message,
          /incompatible with an earlier schema for subject "com.example.Policy"/,
        );
        assert.match(error.message, /'channel'/);
        return true;
      },
    );
  });

  it('accepts a compatible evolution and decodes old data with the new schema', async () => {
    const old = await client.register(avro(policySchema()));
    const oldRecord = await client.encode(old.id, { policyId: 'P-2', premium: 900 });
    const evolved = policySchema([{ name: 'channel', type: 'string', default: 'push' }]).replace(
      '"premium","type":"int"',
      '"premium","type":"long"',
    );
    const next = await client.register(avro(evolved));
    assert.notEqual(next.id, old.id);
    const decoded = await client.decode(oldRecord, {
      [SchemaType.AVRO]: { readerSchema: JSON.parse(evolved) },
    });
    assert.deepEqual({ ...decoded }, { policyId: 'P-2', premium: 900, channel: 'push' });
  });

  it('answers versions and the latest id of a subject', async () => {
    const latest = await client.getLatestSchemaId('com.example.Policy');
    assert.equal(await client.getRegistryId('com.example.Policy', 2), latest);
    const firstId = await client.getRegistryId('com.example.Policy', 1);
    assert.equal(
      await client.getRegistryIdBySchema('com.example.Policy', avro(policySchema())),
      firstId,
    );
    assert.notEqual(firstId, latest);
  });

  it('registers under an explicit topic subject', async () => {
    const { id } = await client.register(avro(policySchema()), { subject: 'policies-value' });
    assert.equal(await client.getLatestSchemaId('policies-value'), id);
  });
});

describe('embedded schema registry persistence', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'touchstream-registry-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps subjects, ids and config in the data directory across a restart', async () => {
    const first = await startEmbeddedSchemaRegistry({ dataDir });
    const client = new SchemaRegistry({ host: first.url, retry: noRetry });
    const { id } = await client.register(avro(policySchema()));
    const encoded = await client.encode(id, { policyId: 'P-3', premium: 10 });
    await first.close();
    await first.close();
    const stored = JSON.parse(await readFile(join(dataDir, 'schema-registry.json'), 'utf8')) as {
      schemas: unknown[];
    };
    assert.equal(stored.schemas.length, 1);

    const second = await startEmbeddedSchemaRegistry({ dataDir });
    try {
      const fresh = new SchemaRegistry({ host: second.url, retry: noRetry });
      assert.deepEqual({ ...(await fresh.decode(encoded)) }, { policyId: 'P-3', premium: 10 });
      assert.equal((await fresh.register(avro(policySchema()))).id, id);
      const other = await fresh.register(avro(policySchema()), { subject: 'other-value' });
      assert.equal(other.id, id, 'the same schema keeps its id after a restart');
      await assert.rejects(
        fresh.register(avro(policySchema([{ name: 'x', type: 'int' }]))),
        /incompatible/,
      );
    } finally {
      await second.close();
    }
  });

  it('refuses to start on a data file that is not JSON, naming the file', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'touchstream-registry-broken-'));
    try {
      await writeFile(join(broken, 'schema-registry.json'), '{"format": 1, "sch');
      await assert.rejects(
        startEmbeddedSchemaRegistry({ dataDir: broken }),
        (error: Error & { code: string }) => {
          assert.equal(error.code, 'TS_REGISTRY_STORE_FAILED');
          assert.match(error.message, /schema-registry\.json is not valid JSON/);
          return true;
        },
      );
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});
