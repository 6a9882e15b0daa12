import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionLog } from '../../../../src/embedded/broker/log/index.js';
import {
  ErrorCode,
  encodeRecordBatch,
  splitRecordSet,
} from '../../../../src/embedded/broker/protocol/index.js';
import type { EncodeBatchOptions } from '../../../../src/embedded/broker/protocol/index.js';

function append(
  log: PartitionLog,
  values: string[],
  options: EncodeBatchOptions = {},
  timestamp = 1000,
) {
  const batch = encodeRecordBatch(
    values.map((value) => ({ value: Buffer.from(value), timestamp })),
    options,
  );
  return log.append(splitRecordSet(batch, 't/0'));
}

describe('partition log', () => {
  it('assigns consecutive offsets across batches', () => {
    const log = new PartitionLog('t', 0);
    assert.deepEqual(append(log, ['a', 'b']), { errorCode: ErrorCode.NONE, baseOffset: 0 });
    assert.deepEqual(append(log, ['c']), { errorCode: ErrorCode.NONE, baseOffset: 2 });
    assert.equal(log.highWatermark, 3);
  });

  it('always returns the first batch whole, then stops at max bytes', () => {
    const log = new PartitionLog('t', 0);
    append(log, ['x'.repeat(500)]);
    append(log, ['y'.repeat(500)]);
    const one = log.read(0, 10, log.highWatermark, false);
    assert.equal(one.batches.length, 1);
    const both = log.read(0, 10_000, log.highWatermark, false);
    assert.equal(both.batches.length, 2);
    assert.equal(log.read(1, 10_000, log.highWatermark, false).batches.length, 1);
    assert.equal(
      log.read(4, 10_000, log.highWatermark, false).errorCode,
      ErrorCode.OFFSET_OUT_OF_RANGE,
    );
  });

  it('holds the last stable offset at the first open transaction and indexes aborted ones', () => {
    const log = new PartitionLog('t', 0);
    append(log, ['plain']);
    append(log, ['t1'], { producerId: 1, producerEpoch: 0, baseSequence: 0, transactional: true });
    append(log, ['t2'], { producerId: 2, producerEpoch: 0, baseSequence: 0, transactional: true });
    assert.equal(log.lastStableOffset, 1);
    log.writeMarker(2, 0, false, 0);
    assert.equal(log.lastStableOffset, 1);
    log.writeMarker(1, 0, true, 0);
    assert.equal(log.lastStableOffset, 5);
    assert.deepEqual(log.abortedTxns, [{ producerId: 2, firstOffset: 2, lastOffset: 3 }]);
    assert.deepEqual(log.read(0, 1 << 20, log.lastStableOffset, true).aborted, [
      { producerId: 2, firstOffset: 2, lastOffset: 3 },
    ]);
    assert.deepEqual(log.read(4, 1 << 20, log.lastStableOffset, true).aborted, []);
  });

  it('fences an older producer epoch and refuses sequence gaps', () => {
    const log = new PartitionLog('t', 0);
    append(log, ['a'], { producerId: 9, producerEpoch: 1, baseSequence: 0 });
    assert.equal(
      append(log, ['old'], { producerId: 9, producerEpoch: 0, baseSequence: 1 }).errorCode,
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
    assert.equal(
      append(log, ['gap'], { producerId: 9, producerEpoch: 1, baseSequence: 3 }).errorCode,
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    assert.equal(
      append(log, ['next'], { producerId: 9, producerEpoch: 1, baseSequence: 1 }).errorCode,
      ErrorCode.NONE,
    );
    assert.equal(
      append(log, ['bumped'], { producerId: 9, producerEpoch: 2, baseSequence: 0 }).errorCode,
      ErrorCode.NONE,
    );
  });

  it('finds the first offset at or after a timestamp inside a batch', () => {
    const log = new PartitionLog('t', 0);
    const batch = encodeRecordBatch([
      { value: Buffer.from('a'), timestamp: 100 },
      { value: Buffer.from('b'), timestamp: 200 },
      { value: Buffer.from('c'), timestamp: 300 },
    ]);
    log.append(splitRecordSet(batch, 't/0'));
    assert.deepEqual(log.offsetForTimestamp(150, log.highWatermark), { offset: 1, timestamp: 200 });
    assert.deepEqual(log.offsetForTimestamp(301, log.highWatermark), { offset: -1, timestamp: -1 });
  });
});
