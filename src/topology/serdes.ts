import type { Serde } from '../state/index.js';
import { TopologyError } from './errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 strings; the default key serde. */
export const stringSerde: Serde<string> = {
  // Buffer.from is several times faster than TextEncoder for short strings.
  serialize: (value) => Buffer.from(value, 'utf8'),
  deserialize: (bytes) => decoder.decode(bytes),
};

/** JSON as UTF-8; the default value serde. */
export const jsonSerde: Serde<unknown> = {
  serialize: (value) => Buffer.from(JSON.stringify(value), 'utf8'),
  deserialize: (bytes) => JSON.parse(decoder.decode(bytes)) as unknown,
};

/** Numbers as 8-byte big-endian IEEE doubles: compact and exact for counters. */
export const float64Serde: Serde<number> = {
  serialize(value) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value);
    return bytes;
  },
  deserialize(bytes) {
    if (bytes.byteLength !== 8) {
      throw new TopologyError('TS_TOPOLOGY_SERDE', `a float64 value must be 8 bytes, got ${bytes.byteLength}`);
    }
    return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0);
  },
};

export function typedJsonSerde<T>(): Serde<T> {
  return jsonSerde as Serde<T>;
}
