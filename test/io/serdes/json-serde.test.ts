import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonSerde, stringSerde } from '../../../src/io/index.js';

function failsWith(code: string, text: RegExp) {
  return (error: unknown): boolean => {
    const { code: actual, message } = error as { code: string; message: string };
    assert.equal(actual, code);
    assert.match(message, text);
    return true;
  };
}

describe('JSON serde', () => {
  it('round-trips a value through UTF-8 JSON', () => {
    const serde = jsonSerde<Record<string, unknown>>('profiles');
    const value = { customerId: 'C-1', city: '杭州', tags: ['gold'], score: 1.5, gone: null };
    const bytes = serde.serialize(value);
    assert.equal(Buffer.from(bytes).toString('utf8'), JSON.stringify(value));
    assert.deepEqual(serde.deserialize(bytes), value);
  });

  it('gives TS_IO_DECODE_FAILED naming the serde for bytes that are not JSON', () => {
    const serde = jsonSerde('claims');
    assert.throws(
      () => serde.deserialize(Buffer.from('{"a":')),
      failsWith('TS_IO_DECODE_FAILED', /JSON serde 'claims': not valid JSON .* in "\{\\"a\\":"/),
    );
  });

  it('gives TS_IO_DECODE_FAILED for invalid UTF-8 instead of replacing characters', () => {
    assert.throws(
      () => jsonSerde('claims').deserialize(new Uint8Array([0x22, 0xff, 0x22])),
      failsWith('TS_IO_DECODE_FAILED', /not valid UTF-8/),
    );
  });

  it('refuses to serialize a value JSON cannot hold', () => {
    assert.throws(
      () => jsonSerde<unknown>('x').serialize(undefined),
      failsWith('TS_IO_ENCODE_FAILED', /JSON serde 'x': undefined/),
    );
  });
});

describe('string serde', () => {
  it('round-trips UTF-8 text', () => {
    const serde = stringSerde();
    assert.deepEqual([...serde.serialize('客户-1')], [...Buffer.from('客户-1')]);
    assert.equal(serde.deserialize(serde.serialize('客户-1')), '客户-1');
  });

  it('gives TS_IO_DECODE_FAILED for invalid UTF-8', () => {
    assert.throws(
      () => stringSerde('keys').deserialize(new Uint8Array([0xc3])),
      failsWith('TS_IO_DECODE_FAILED', /string serde 'keys'/),
    );
  });
});
