import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Compression,
  decodeRecords,
  encodeControlBatch,
  encodeRecordBatch,
  readBatchHeader,
  setBaseOffset,
  splitRecordSet,
} from '../../../../src/embedded/broker/protocol/index.js';
import { CorruptRecordBatchError } from '../../../../src/embedded/index.js';

describe('record batch v2', () => {
  it('round-trips keys, values, headers and timestamps, gzip included', () => {
    for (const compression of [Compression.none, Compression.gzip]) {
      const batch = encodeRecordBatch(
        [
          {
            key: Buffer.from('k1'),
            value: Buffer.from('v1'),
            timestamp: 1000,
            headers: [{ key: 'h', value: Buffer.from('x') }],
          },
          { key: null, value: null, timestamp: 1500 },
        ],
        { compression, producerId: 7, producerEpoch: 2, baseSequence: 10 },
      );
      const [parsed] = splitRecordSet(batch, 't/0');
      assert.equal(parsed.header.recordCount, 2);
      assert.equal(parsed.header.producerId, 7);
      assert.equal(parsed.header.maxTimestamp, 1500);
      setBaseOffset(batch, 40);
      const records = decodeRecords(batch);
      assert.deepEqual(
        records?.map((r) => [
          r.offset,
          r.timestamp,
          r.key?.toString() ?? null,
          r.value?.toString() ?? null,
          r.headers.length,
        ]),
        [
          [40, 1000, 'k1', 'v1', 1],
          [41, 1500, null, null, 0],
        ],
      );
    }
  });

  it('keeps the CRC valid when the base offset is rewritten', () => {
    const batch = encodeRecordBatch([{ value: Buffer.from('v') }]);
    setBaseOffset(batch, 123456);
    assert.equal(splitRecordSet(batch, 't/0').length, 1);
    assert.equal(readBatchHeader(batch).baseOffset, 123456);
  });

  it('refuses a batch whose CRC does not match', () => {
    const batch = encodeRecordBatch([{ value: Buffer.from('value') }]);
    batch[batch.length - 2] ^= 0xff;
    assert.throws(() => splitRecordSet(batch, 't/0'), CorruptRecordBatchError);
  });

  it('refuses an old message format and a truncated batch', () => {
    const batch = encodeRecordBatch([{ value: Buffer.from('value') }]);
    const old = Buffer.from(batch);
    old.writeInt8(1, 16);
    assert.throws(() => splitRecordSet(old, 't/0'), /magic 1/);
    assert.throws(() => splitRecordSet(batch.subarray(0, batch.length - 1), 't/0'), /declares/);
  });

  it('writes abort and commit markers kafkajs can tell apart by their key', () => {
    const abort = decodeRecords(encodeControlBatch(5, 1, false, 0));
    const commit = decodeRecords(encodeControlBatch(5, 1, true, 0));
    assert.deepEqual([...(abort?.[0].key ?? [])], [0, 0, 0, 0]);
    assert.deepEqual([...(commit?.[0].key ?? [])], [0, 0, 0, 1]);
    assert.equal(readBatchHeader(encodeControlBatch(5, 1, true, 0)).isControl, true);
  });
});
