import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findSchemasDir, loadAvroSchemas } from '../../../src/io/index.js';

const EXPECTED = [
  'BehaviourEvent',
  'BroadcastEvent',
  'ClaimEvent',
  'CustomerProfileEvent',
  'DeadLetter',
  'DeliveryFeedback',
  'PolicyEvent',
  'RuleEvent',
  'SegmentTransition',
  'TagEvent',
  'TouchCommand',
].map((name) => `com.touchstream.${name}`);

describe('Avro schema loader', () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'touchstream-avsc-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  async function folderWith(name: string, files: Record<string, string>): Promise<string> {
    const dir = join(scratch, name);
    await mkdir(dir);
    for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
    return dir;
  }

  it('loads every schema in schemas/, one record per file in namespace com.touchstream', async () => {
    const loaded = await loadAvroSchemas(findSchemasDir());
    assert.deepEqual(loaded.map((schema) => schema.fullName).sort(), EXPECTED);
    for (const schema of loaded) {
      assert.equal(schema.type.typeName, 'record', schema.file);
      assert.equal(JSON.parse(schema.text).namespace, 'com.touchstream', schema.file);
    }
  });

  it('finds schemas/ from a folder deep inside the project', () => {
    assert.equal(
      findSchemasDir(join(process.cwd(), 'src', 'io', 'serdes')),
      join(process.cwd(), 'schemas'),
    );
  });

  it('names the file that is not JSON', async () => {
    const dir = await folderWith('not-json', { 'a.avsc': '{"type": "record",' });
    await assert.rejects(loadAvroSchemas(dir), (error: Error & { code: string }) => {
      assert.equal(error.code, 'TS_IO_SCHEMA_LOAD_FAILED');
      assert.match(error.message, /a\.avsc/);
      return true;
    });
  });

  it('names the file whose schema avsc refuses', async () => {
    const dir = await folderWith('invalid', {
      'b.avsc': JSON.stringify({
        type: 'record',
        name: 'B',
        namespace: 'x',
        fields: [{ name: 'f', type: 'nope' }],
      }),
    });
    await assert.rejects(loadAvroSchemas(dir), /b\.avsc is not a valid Avro schema: .*nope/);
  });

  it('refuses a record without a namespace, since its full name is its subject', async () => {
    const dir = await folderWith('no-namespace', {
      'c.avsc': JSON.stringify({ type: 'record', name: 'C', fields: [] }),
    });
    await assert.rejects(loadAvroSchemas(dir), /c\.avsc: record C needs a namespace/);
  });

  it('refuses two files defining the same record', async () => {
    const schema = JSON.stringify({ type: 'record', name: 'D', namespace: 'x', fields: [] });
    const dir = await folderWith('duplicate', { 'd1.avsc': schema, 'd2.avsc': schema });
    await assert.rejects(loadAvroSchemas(dir), /both define x\.D/);
  });

  it('refuses a folder with no schemas', async () => {
    const dir = await folderWith('empty', { 'README.md': '# nothing' });
    await assert.rejects(loadAvroSchemas(dir), /no \*\.avsc files/);
  });
});
