import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAvroModel } from '../../../src/embedded/schema-registry/avro-model.js';
import { canonicalAvro, stableJson } from '../../../src/embedded/schema-registry/canonical-form.js';

const canonical = (schema: unknown): string => canonicalAvro(parseAvroModel(schema));

describe('canonical Avro form', () => {
  it('gives the same text for a schema written with other spelling, order and names', () => {
    const plain = {
      type: 'record',
      name: 'Claim',
      namespace: 'com.touchstream',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'channel', type: { type: 'enum', name: 'Channel', symbols: ['push', 'sms'] } },
        { name: 'back', type: 'Channel', order: 'ascending' },
      ],
    };
    const other = {
      fields: [
        { type: { type: 'string' }, name: 'id' },
        {
          type: { symbols: ['push', 'sms'], name: 'com.touchstream.Channel', type: 'enum' },
          name: 'channel',
        },
        { name: 'back', type: 'com.touchstream.Channel' },
      ],
      name: 'com.touchstream.Claim',
      type: 'record',
    };
    assert.equal(canonical(plain), canonical(other));
    assert.equal(
      canonical(plain),
      '{"type":"record","name":"com.touchstream.Claim","fields":[{"name":"id","type":"string"},' +
        '{"name":"channel","type":{"type":"enum","name":"com.touchstream.Channel","symbols":["push","sms"]}},' +
        '{"name":"back","type":"com.touchstream.Channel"}]}',
    );
  });

  it('keeps defaults, aliases, doc and logical types, which change what a schema means', () => {
    const base = { type: 'record', name: 'A', fields: [{ name: 'ts', type: 'long' }] };
    const texts = [
      canonical(base),
      canonical({ ...base, fields: [{ name: 'ts', type: 'long', default: 0 }] }),
      canonical({ ...base, fields: [{ name: 'ts', type: 'long', aliases: ['time'] }] }),
      canonical({ ...base, doc: 'why' }),
      canonical({
        ...base,
        fields: [{ name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } }],
      }),
      canonical({ ...base, fields: [{ name: 'ts', type: 'long', order: 'descending' }] }),
    ];
    assert.equal(new Set(texts).size, texts.length);
  });

  it('prints a named type once and refers to it by name afterwards', () => {
    const text = canonical({
      type: 'record',
      name: 'Node',
      fields: [{ name: 'next', type: ['null', 'Node'], default: null }],
    });
    assert.equal(
      text,
      '{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null}]}',
    );
  });

  it('sorts object keys at every depth in stable JSON', () => {
    assert.equal(stableJson({ b: [{ d: 1, c: 2 }], a: null }), '{"a":null,"b":[{"c":2,"d":1}]}');
  });
});
