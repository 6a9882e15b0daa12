import { DecodeFailedError, EncodeFailedError } from './errors.js';
import type { Serde } from './serde.js';

const encoder = new TextEncoder();
// `fatal` so invalid UTF-8 fails here instead of turning into U+FFFD and parsing "successfully".
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-8 JSON. `name` (a topic, a store) goes into error messages so a failure says where it
 * happened. Deserializing does not validate the shape: that is the caller's schema's job.
 */
export function jsonSerde<T>(name = 'json'): Serde<T> {
  return {
    serialize(value: T): Uint8Array {
      const text = JSON.stringify(value);
      if (text === undefined) {
        throw new EncodeFailedError(
          `JSON serde '${name}': ${typeof value} cannot be written as JSON; pass an object, array, string, number, boolean or null`,
          {
            details: { serde: name },
          },
        );
      }
      return encoder.encode(text);
    },
    deserialize(bytes: Uint8Array): T {
      let text: string;
      try {
        text = decoder.decode(bytes);
      } catch (error) {
        throw new DecodeFailedError(
          `JSON serde '${name}': ${bytes.byteLength} bytes are not valid UTF-8`,
          {
            cause: error,
            details: { serde: name, length: bytes.byteLength },
          },
        );
      }
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        throw new DecodeFailedError(
          `JSON serde '${name}': not valid JSON (${(error as Error).message}) in ${preview(text)}`,
          {
            cause: error,
            details: { serde: name, length: bytes.byteLength },
          },
        );
      }
    },
  };
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}
