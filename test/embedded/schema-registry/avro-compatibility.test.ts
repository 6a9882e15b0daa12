import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { avroReadIncompatibilities } from '../../../src/embedded/schema-registry/avro-compatibility.js';
import { parseAvroModel } from '../../../src/embedded/schema-registry/avro-model.js';

/** The incompatibility types found when `reader` reads data written with `writer`. */
function problems(reader: unknown, writer: unknown): string[] {
  return avroReadIncompatibilities(parseAvroModel(reader), parseAvroModel(writer)).map(
    (found) => found.errorType,
  );
}

function record(fields: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'record', name: 'Claim', namespace: 'com.touchstream', fields, ...extra };
}

describe('Avro read compatibility', () => {
  it('accepts an identical schema', () => {
    const schema = record([{ name: 'id', type: 'string' }]);
    assert.deepEqual(problems(schema, schema), []);
  });

  it('refuses a reader field that is missing from the writer and has no default', () => {
    const writer = record([{ name: 'id', type: 'string' }]);
    const reader = record([
      { name: 'id', type: 'string' },
      { name: 'amount', type: 'double' },
    ]);
    const found = avroReadIncompatibilities(parseAvroModel(reader), parseAvroModel(writer));
    assert.equal(found.length, 1);
    assert.equal(found[0].errorType, 'READER_FIELD_MISSING_DEFAULT_VALUE');
    assert.equal(found[0].path, '/fields/1');
    assert.match(found[0].description, /'amount'/);
  });

  it('accepts a reader field missing from the writer when it has a default, null included', () => {
    const writer = record([{ name: 'id', type: 'string' }]);
    const reader = record([
      { name: 'id', type: 'string' },
      { name: 'amount', type: ['null', 'double'], default: null },
    ]);
    assert.deepEqual(problems(reader, writer), []);
  });

  it('accepts a field the reader removed', () => {
    const writer = record([
      { name: 'id', type: 'string' },
      { name: 'amount', type: 'double' },
    ]);
    assert.deepEqual(problems(record([{ name: 'id', type: 'string' }]), writer), []);
  });

  it('follows the Avro promotion rules for primitives', () => {
    const allowed: [string, string][] = [
      ['long', 'int'],
      ['float', 'int'],
      ['double', 'int'],
      ['float', 'long'],
      ['double', 'long'],
      ['double', 'float'],
      ['bytes', 'string'],
      ['string', 'bytes'],
    ];
    for (const [reader, writer] of allowed)
      assert.deepEqual(problems(reader, writer), [], `${reader} reads ${writer}`);
    const refused: [string, string][] = [
      ['int', 'long'],
      ['long', 'float'],
      ['float', 'double'],
      ['int', 'string'],
      ['boolean', 'null'],
      ['string', 'int'],
    ];
    for (const [reader, writer] of refused)
      assert.deepEqual(problems(reader, writer), ['TYPE_MISMATCH'], `${reader} refuses ${writer}`);
  });

  it('applies promotion to a field type inside a record', () => {
    const writer = record([{ name: 'amount', type: 'int' }]);
    assert.deepEqual(problems(record([{ name: 'amount', type: 'long' }]), writer), []);
    assert.deepEqual(problems(writer, record([{ name: 'amount', type: 'long' }])), [
      'TYPE_MISMATCH',
    ]);
  });

  it('refuses removed enum symbols unless the reader enum has a default', () => {
    const writer = { type: 'enum', name: 'Channel', symbols: ['push', 'sms', 'wechat'] };
    const reader = { type: 'enum', name: 'Channel', symbols: ['push', 'sms'] };
    assert.deepEqual(problems(reader, writer), ['MISSING_ENUM_SYMBOLS']);
    assert.deepEqual(problems({ ...reader, default: 'push' }, writer), []);
    assert.deepEqual(
      problems({ ...writer, symbols: ['push', 'sms', 'wechat', 'coupon'] }, writer),
      [],
    );
  });

  it('requires every writer union branch to be readable', () => {
    assert.deepEqual(problems(['null', 'string', 'int'], ['null', 'string']), []);
    assert.deepEqual(problems(['null', 'string'], ['null', 'string', 'int']), [
      'MISSING_UNION_BRANCH',
    ]);
    assert.deepEqual(problems(['null', 'long'], ['null', 'int']), []);
  });

  it('reads a plain writer type with a union reader that has a matching branch', () => {
    assert.deepEqual(problems(['null', 'string'], 'string'), []);
    assert.deepEqual(problems(['null', 'string'], 'int'), ['MISSING_UNION_BRANCH']);
  });

  it('reads a writer union with a plain reader only when every branch fits it', () => {
    assert.deepEqual(problems('long', ['int', 'long']), []);
    assert.deepEqual(problems('string', ['null', 'string']), ['TYPE_MISMATCH']);
  });

  it('reports the problem inside the union branch that has the same record name', () => {
    const inner = (fields: unknown[]) => ({ type: 'record', name: 'Vehicle', fields });
    const writer = record([
      { name: 'vehicle', type: ['null', inner([{ name: 'age', type: 'int' }])] },
    ]);
    const reader = record([
      {
        name: 'vehicle',
        type: [
          'null',
          inner([
            { name: 'age', type: 'int' },
            { name: 'plate', type: 'string' },
          ]),
        ],
      },
    ]);
    const found = avroReadIncompatibilities(parseAvroModel(reader), parseAvroModel(writer));
    assert.deepEqual(
      found.map((problem) => [problem.errorType, problem.path]),
      [['READER_FIELD_MISSING_DEFAULT_VALUE', '/fields/0/type/1/fields/1']],
    );
  });

  it('checks records nested in records, arrays and maps', () => {
    const nested = (ageType: string) =>
      record([
        {
          name: 'vehicles',
          type: {
            type: 'array',
            items: { type: 'record', name: 'Vehicle', fields: [{ name: 'age', type: ageType }] },
          },
        },
        { name: 'scores', type: { type: 'map', values: ageType } },
      ]);
    assert.deepEqual(problems(nested('long'), nested('int')), []);
    const found = avroReadIncompatibilities(
      parseAvroModel(nested('int')),
      parseAvroModel(nested('long')),
    );
    assert.deepEqual(
      found.map((problem) => problem.path),
      ['/fields/0/type/items/fields/0/type', '/fields/1/type/values'],
    );
  });

  it('refuses an array read as a map and a record read as an enum', () => {
    assert.deepEqual(problems({ type: 'map', values: 'int' }, { type: 'array', items: 'int' }), [
      'TYPE_MISMATCH',
    ]);
    assert.deepEqual(problems({ type: 'enum', name: 'Claim', symbols: ['a'] }, record([])), [
      'TYPE_MISMATCH',
    ]);
  });

  it('matches named types by unqualified name or by the reader aliases', () => {
    const writer = record([{ name: 'id', type: 'string' }]);
    assert.deepEqual(problems({ ...writer, namespace: 'com.other' }, writer), []);
    assert.deepEqual(problems({ ...writer, name: 'ClaimEvent' }, writer), ['NAME_MISMATCH']);
    assert.deepEqual(problems({ ...writer, name: 'ClaimEvent', aliases: ['Claim'] }, writer), []);
    assert.deepEqual(
      problems({ ...writer, name: 'ClaimEvent', aliases: ['com.touchstream.Claim'] }, writer),
      [],
    );
  });

  it('matches a renamed field through its aliases', () => {
    const writer = record([{ name: 'amount', type: 'double' }]);
    assert.deepEqual(problems(record([{ name: 'paid', type: 'double' }]), writer), [
      'READER_FIELD_MISSING_DEFAULT_VALUE',
    ]);
    assert.deepEqual(
      problems(record([{ name: 'paid', type: 'double', aliases: ['amount'] }]), writer),
      [],
    );
  });

  it('refuses fixed types of different sizes', () => {
    assert.deepEqual(
      problems(
        { type: 'fixed', name: 'Hash', size: 16 },
        { type: 'fixed', name: 'Hash', size: 32 },
      ),
      ['FIXED_SIZE_MISMATCH'],
    );
  });

  it('checks recursive records without looping', () => {
    const list = (valueType: string) => ({
      type: 'record',
      name: 'Node',
      fields: [
        { name: 'value', type: valueType },
        { name: 'next', type: ['null', 'Node'], default: null },
      ],
    });
    assert.deepEqual(problems(list('long'), list('int')), []);
    assert.deepEqual(problems(list('int'), list('long')), ['TYPE_MISMATCH']);
  });

  it('resolves a named type referred to by name after its definition', () => {
    const schema = (symbols: string[]) =>
      record([
        { name: 'from', type: { type: 'enum', name: 'Channel', symbols } },
        { name: 'to', type: 'Channel' },
      ]);
    assert.deepEqual(problems(schema(['push', 'sms']), schema(['push'])), []);
    assert.deepEqual(problems(schema(['push']), schema(['push', 'sms'])), ['MISSING_ENUM_SYMBOLS']);
  });
});
