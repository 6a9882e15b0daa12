import { DecodeFailedError } from './errors.js';
import type { Serde } from './serde.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 strings (keys, ids). Invalid UTF-8 is an error rather than silently replaced characters. */
export function stringSerde(name = 'string'): Serde<string> {
  return {
    serialize: (value: string): Uint8Array => encoder.encode(value),
    deserialize(bytes: Uint8Array): string {
      try {
        return decoder.decode(bytes);
      } catch (error) {
        throw new DecodeFailedError(
          `string serde '${name}': ${bytes.byteLength} bytes are not valid UTF-8`,
          {
            cause: error,
            details: { serde: name, length: bytes.byteLength },
          },
        );
      }
    },
  };
}
