/**
 * Turns values into bytes and back. Structurally the same as `src/state`'s Serde, so one value
 * serves both a topic and a store. Both directions are synchronous: the hot path decodes a whole
 * batch without a promise per record.
 */
export interface Serde<T> {
  serialize(value: T): Uint8Array;
  deserialize(bytes: Uint8Array): T;
}
