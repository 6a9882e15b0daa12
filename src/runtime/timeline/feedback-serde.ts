/**
 * The serde of the delivery-feedback topic. Delivery workers may write it as JSON or as Avro
 * (schemas/delivery-feedback.avsc, Confluent wire format); reading accepts both, told apart by the
 * first byte: the wire format's magic byte is 0, which no JSON text starts with. Writing is JSON.
 */
import { jsonSerde } from '../../io/index.js';
import type { AvroSerdes, Serde } from '../../io/index.js';

const AVRO_MAGIC = 0;

/** An Avro record as a plain object, with its null optional fields left out (as JSON writers do). */
function canonical(value: unknown): unknown {
  const plain = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  for (const key of Object.keys(plain)) if (plain[key] === null) delete plain[key];
  return plain;
}

/** @param avro the app's Avro serdes; without it an Avro record fails to decode (a dead letter). */
export function deliveryFeedbackSerde(avro?: Pick<AvroSerdes, 'deserialize'>): Serde<unknown> {
  const json = jsonSerde<unknown>('delivery feedback');
  return {
    serialize: (value) => json.serialize(value),
    deserialize(bytes) {
      if (avro !== undefined && bytes.byteLength > 0 && bytes[0] === AVRO_MAGIC)
        return canonical(avro.deserialize(bytes));
      return json.deserialize(bytes);
    },
  };
}
