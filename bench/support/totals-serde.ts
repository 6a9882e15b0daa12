import type { Serde } from '../../src/state/index.js';

/** What the aggregate benchmarks keep per key. */
export interface Totals {
  count: number;
  sum: number;
}

/** 16 bytes: count and sum as big-endian doubles; the raw loops use the same encoding. */
export const totalsSerde: Serde<Totals> = {
  serialize(value) {
    const bytes = Buffer.allocUnsafe(16);
    bytes.writeDoubleBE(value.count, 0);
    bytes.writeDoubleBE(value.sum, 8);
    return bytes;
  },
  deserialize(bytes) {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { count: buffer.readDoubleBE(0), sum: buffer.readDoubleBE(8) };
  },
};
