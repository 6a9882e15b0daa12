import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { startEmbeddedSchemaRegistry } from '../../../src/embedded/index.js';
import type { EmbeddedSchemaRegistry } from '../../../src/embedded/index.js';
import { AvroSerdes, findSchemasDir, loadAvroSchemas } from '../../../src/io/index.js';
import type { LoadedAvroSchema } from '../../../src/io/index.js';
import { plain, sampleRecords } from './sample-records.js';

const CLAIM = 'com.touchstream.ClaimEvent';

function claimSchemaWith(fields: unknown[]): string {
  return JSON.stringify({
    type: 'record',
    name: 'ClaimEvent',
    namespace: 'com.touchstream',
    fields,
  });
}

/** An error check for assert.throws: the code, and text the message must contain. */
function touchstreamError(code: string, ...texts: (string | RegExp)[]) {
  return (error: unknown): boolean => {
    const { code: actual, message } = error as { code: string; message: string };
    assert.equal(actual, code, message);
    for (const text of texts)
      assert.match(
        message,
        typeof text === 'string' ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : text,
      );
    return true;
  };
}

describe('AvroSerdes against the embedded registry', () => {
  let registry: EmbeddedSchemaRegistry;
  let client: SchemaRegistry;
  let schemas: LoadedAvroSchema[];
  let serdes: AvroSerdes;

  before(async () => {
    registry = await startEmbeddedSchemaRegistry();
    client = new SchemaRegistry({ host: registry.url, retry: { retries: 0 } });
    schemas = await loadAvroSchemas(findSchemasDir());
    serdes = new AvroSerdes({ registry: client, schemas });
    await serdes.prepare();
  });
  after(async () => {
    await registry.close();
  });

  it('registers every schema under its record name, each with its own id', async () => {
    const names = schemas.map((schema) => schema.fullName);
    assert.deepEqual(serdes.subjects(), names);
    assert.deepEqual(Object.keys(sampleRecords).sort(), [...names].sort(), 'one sample per schema');
    const ids = names.map((name) => serdes.idOf(name));
    assert.equal(new Set(ids).size, ids.length);
    for (const name of names) assert.equal(await client.getLatestSchemaId(name), serdes.idOf(name));
  });

  it('registers nothing new when prepared again', async () => {
    const before = serdes.subjects().map((subject) => serdes.idOf(subject));
    await serdes.prepare();
    const again = new AvroSerdes({ registry: client, schemas });
    await again.prepare();
    assert.deepEqual(
      again.subjects().map((subject) => again.idOf(subject)),
      before,
    );
    assert.deepEqual(await client.getRegistryId(CLAIM, 1), serdes.idOf(CLAIM));
  });

  for (const [name, sample] of Object.entries(sampleRecords)) {
    it(`round-trips a ${name.slice('com.touchstream.'.length)} through Avro in the Confluent wire format`, () => {
      const value = sample();
      const bytes = serdes.serializer(name)(value);
      assert.equal(bytes[0], 0);
      assert.equal(bytes.readInt32BE(1), serdes.idOf(name));
      assert.deepEqual(plain(serdes.deserialize(bytes)), value);
    });
  }

  it('fills optional fields with their defaults when a value leaves them out', () => {
    const serde = serdes.serde<Record<string, unknown>>('com.touchstream.TouchCommand');
    const {
      ruleVersion: _v,
      phone: _p,
      openid: _o,
      pushRegistrationId: _r,
      heldOut: _h,
      params: _m,
      ...minimal
    } = sampleRecords['com.touchstream.TouchCommand']();
    const decoded = plain(serde.deserialize(serde.serialize(minimal))) as Record<string, unknown>;
    assert.equal(decoded.ruleVersion, null);
    assert.equal(decoded.phone, null);
    assert.equal(decoded.heldOut, false);
    assert.deepEqual(decoded.params, {});
  });

  it('encodes a record larger than its scratch buffer', () => {
    const note = 'x'.repeat(200_000);
    const bytes = serdes.serializer('com.touchstream.DeadLetter')(
      sampleRecords['com.touchstream.DeadLetter']({ message: note }),
    );
    assert.equal((plain(serdes.deserialize(bytes)) as { message: string }).message, note);
    const small = serdes.serializer(CLAIM)(sampleRecords[CLAIM]());
    assert.deepEqual(plain(serdes.deserialize(small)), sampleRecords[CLAIM]());
  });

  it('refuses a value its schema cannot encode, naming the subject and the field', () => {
    assert.throws(
      () => serdes.serializer(CLAIM)(sampleRecords[CLAIM]({ claimId: 42 })),
      touchstreamError('TS_IO_ENCODE_FAILED', `subject '${CLAIM}'`, 'claimId'),
    );
    assert.throws(
      () =>
        serdes.serializer('com.touchstream.TouchCommand')(
          sampleRecords['com.touchstream.TouchCommand']({ channel: 'email' }),
        ),
      touchstreamError('TS_IO_ENCODE_FAILED', 'channel'),
    );
  });

  it('refuses a subject it never registered', () => {
    assert.throws(
      () => serdes.serializer('claims-value'),
      touchstreamError('TS_IO_UNKNOWN_SUBJECT', "'claims-value'"),
    );
    const unprepared = new AvroSerdes({ registry: client, schemas });
    assert.throws(
      () => unprepared.serializer(CLAIM),
      touchstreamError('TS_IO_UNKNOWN_SUBJECT', 'prepare()'),
    );
  });

  it('gives TS_IO_DECODE_FAILED for bytes not in the wire format', () => {
    assert.throws(
      () => serdes.deserialize(new Uint8Array([0, 0, 1])),
      touchstreamError('TS_IO_DECODE_FAILED', 'only 3 bytes'),
    );
    assert.throws(
      () => serdes.deserialize(Buffer.from('{"type":"claim"}')),
      touchstreamError('TS_IO_DECODE_FAILED', 'magic byte 123'),
    );
  });

  it('gives TS_IO_DECODE_FAILED naming the schema id and record for a corrupt body', () => {
    const bytes = serdes.serializer(CLAIM)(sampleRecords[CLAIM]());
    const id = serdes.idOf(CLAIM);
    assert.throws(
      () => serdes.deserialize(bytes.subarray(0, bytes.length - 4)),
      touchstreamError('TS_IO_DECODE_FAILED', `schema id ${id}`, CLAIM, 'truncated'),
    );
    assert.throws(
      () => serdes.deserialize(Buffer.concat([bytes, Buffer.from([1, 2])])),
      touchstreamError('TS_IO_DECODE_FAILED', `schema id ${id}`, '2 bytes follow'),
    );
    const garbage = Buffer.concat([bytes.subarray(0, 5), Buffer.from([0x07, 0xff, 0xff, 0xff])]);
    assert.throws(
      () => serdes.deserialize(garbage),
      touchstreamError('TS_IO_DECODE_FAILED', `schema id ${id}`),
    );
  });

  it('decodes a plain Uint8Array as well as a Buffer', () => {
    const bytes = serdes.serializer(CLAIM)(sampleRecords[CLAIM]());
    assert.deepEqual(plain(serdes.deserialize(new Uint8Array(bytes))), sampleRecords[CLAIM]());
  });

  it('asks for an unknown schema id to be resolved, then decodes it into the local schema', async () => {
    // Another producer still writes the first ClaimEvent, without amount.
    const older = claimSchemaWith([
      { name: 'type', type: 'string' },
      { name: 'id', type: 'string' },
      { name: 'ts', type: 'long' },
      { name: 'customerId', type: 'string' },
      { name: 'claimId', type: 'string' },
    ]);
    const { id } = await client.register(
      { type: SchemaType.AVRO, schema: older },
      { subject: CLAIM },
    );
    assert.notEqual(id, serdes.idOf(CLAIM));
    const { amount: _amount, ...written } = sampleRecords[CLAIM]();
    const foreign = await client.encode(id, written);
    const batch = [serdes.serializer(CLAIM)(sampleRecords[CLAIM]()), foreign];

    assert.throws(
      () => serdes.deserialize(foreign),
      (error: unknown) => {
        touchstreamError('TS_IO_UNKNOWN_SCHEMA_ID', `schema id ${id}`, 'resolveUnknownIds')(error);
        assert.equal((error as { retryable: boolean }).retryable, true);
        return true;
      },
    );
    assert.equal(
      serdes.hasUnknownIds([batch[0], null]),
      false,
      'tombstones and known ids need nothing',
    );
    assert.equal(serdes.hasUnknownIds(batch), true);
    assert.deepEqual(await serdes.resolveUnknownIds(batch), [id]);
    assert.equal(serdes.hasUnknownIds(batch), false);
    assert.deepEqual(await serdes.resolveUnknownIds(batch), [], 'nothing is fetched twice');
    assert.deepEqual(plain(serdes.deserialize(foreign)), { ...written, amount: null });
  });

  it('turns a schema id the registry does not have into TS_IO_DECODE_FAILED for its records', async () => {
    const body = serdes.serializer(CLAIM)(sampleRecords[CLAIM]()).subarray(5);
    const header = Buffer.alloc(5);
    header.writeInt32BE(4242, 1);
    const orphan = Buffer.concat([header, body]);
    assert.deepEqual(await serdes.resolveUnknownIds([orphan]), [4242]);
    assert.throws(
      () => serdes.deserialize(orphan),
      touchstreamError('TS_IO_DECODE_FAILED', 'schema id 4242', 'no schema with that id'),
    );
  });

  it('turns a writer schema the local schema cannot read into TS_IO_DECODE_FAILED', async () => {
    const numericClaimId = claimSchemaWith([
      { name: 'type', type: 'string' },
      { name: 'id', type: 'string' },
      { name: 'ts', type: 'long' },
      { name: 'customerId', type: 'string' },
      { name: 'claimId', type: 'long' },
    ]);
    const { id } = await client.register(
      { type: SchemaType.AVRO, schema: numericClaimId },
      { subject: 'legacy-claims-value' },
    );
    const record = await client.encode(id, { ...sampleRecords[CLAIM](), claimId: 77 });
    await serdes.resolveUnknownIds([record]);
    assert.throws(
      () => serdes.deserialize(record),
      touchstreamError(
        'TS_IO_DECODE_FAILED',
        `schema id ${id}`,
        `local schema ${CLAIM} cannot read it`,
      ),
    );
  });
});

describe('AvroSerdes registration failures', () => {
  let registry: EmbeddedSchemaRegistry;
  before(async () => {
    registry = await startEmbeddedSchemaRegistry();
  });
  after(async () => {
    await registry.close();
  });

  it('refuses to prepare when a local schema is not backward compatible with the registered one', async () => {
    const client = new SchemaRegistry({ host: registry.url, retry: { retries: 0 } });
    const registered = claimSchemaWith([{ name: 'id', type: 'string' }]);
    await client.register({ type: SchemaType.AVRO, schema: registered }, { subject: CLAIM });
    const schemas = await loadAvroSchemas(findSchemasDir());
    const serdes = new AvroSerdes({ registry: client, schemas });
    await assert.rejects(serdes.prepare(), (error: unknown) => {
      touchstreamError(
        'TS_IO_SCHEMA_REGISTRATION_FAILED',
        'claim-event.avsc',
        `subject '${CLAIM}'`,
        'not backward compatible',
      )(error);
      assert.equal((error as { retryable: boolean }).retryable, false);
      return true;
    });
  });

  it('uses topic subjects when asked to', async () => {
    const client = new SchemaRegistry({ host: registry.url, retry: { retries: 0 } });
    const schemas = (await loadAvroSchemas(findSchemasDir())).filter((schema) =>
      schema.fullName.endsWith('TagEvent'),
    );
    const serdes = new AvroSerdes({ registry: client, schemas, subjectOf: () => 'tags-value' });
    await serdes.prepare();
    assert.deepEqual(serdes.subjects(), ['tags-value']);
    const bytes = serdes.serializer('tags-value')(sampleRecords['com.touchstream.TagEvent']());
    assert.throws(
      () => serdes.deserialize(bytes.subarray(0, bytes.length - 1)),
      touchstreamError('TS_IO_DECODE_FAILED', "com.touchstream.TagEvent in subject 'tags-value'"),
    );
    assert.equal(await client.getLatestSchemaId('tags-value'), serdes.idOf('tags-value'));
  });
});
