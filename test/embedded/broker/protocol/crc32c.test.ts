import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32c } from '../../../../src/embedded/broker/protocol/index.js';

describe('crc32c', () => {
  it('matches the published check value for "123456789"', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  });

  it('gives the same answer for any split between the 4-byte and the byte-wise loops', () => {
    const data = Buffer.from('The quick brown fox jumps over the lazy dog');
    assert.equal(crc32c(data), 0x22620404);
    assert.equal(crc32c(Buffer.concat([Buffer.alloc(3), data]), 3), 0x22620404);
  });

  it('is zero-length safe', () => {
    assert.equal(crc32c(Buffer.alloc(0)), 0);
  });
});
