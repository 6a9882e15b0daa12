import { jsonSerde, touchCommandAvroSerde } from '../../io/index.js';
import type { AvroSerdes } from '../../io/index.js';
import type { DeliveryFeedback } from './delivery-feedback.js';

/** How the delivery stage reads touch commands and writes feedback: the app's output encoding. */
export interface DeliveryCodecs {
  readonly format: 'json' | 'avro';
  /** Called once per batch before decoding, so every value then decodes synchronously. */
  prepare?(values: readonly (Uint8Array | null)[]): Promise<void>;
  decodeCommand(bytes: Uint8Array): unknown;
  encodeFeedback(feedback: DeliveryFeedback): Uint8Array;
}

export function jsonDeliveryCodecs(): DeliveryCodecs {
  const commands = jsonSerde<unknown>('touch command');
  const feedback = jsonSerde<DeliveryFeedback>('delivery feedback');
  return {
    format: 'json',
    decodeCommand: (bytes) => commands.deserialize(bytes),
    encodeFeedback: (value) => feedback.serialize(value),
  };
}

/** Avro in Confluent wire format; `avro` must have been prepared (every schema in schemas/ registered). */
export function avroDeliveryCodecs(avro: AvroSerdes): DeliveryCodecs {
  const commands = touchCommandAvroSerde(avro);
  const writeFeedback = avro.serializer<DeliveryFeedback>('com.touchstream.DeliveryFeedback');
  return {
    format: 'avro',
    async prepare(values) {
      if (avro.hasUnknownIds(values)) await avro.resolveUnknownIds(values);
    },
    decodeCommand: (bytes) => commands.deserialize(bytes),
    encodeFeedback: (value) => writeFeedback(value),
  };
}
