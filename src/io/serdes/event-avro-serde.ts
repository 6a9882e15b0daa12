/**
 * The serde of the event topics in Avro mode: writes each contract event (rules contract,
 * section 1) with the record schema of its type and reads any of them back into the canonical
 * JSON shape the rule engine validates. Optional fields that are null in Avro are absent in JSON.
 */
import type { AvroSerdes } from './avro-serdes.js';
import { EncodeFailedError } from './errors.js';
import type { Serde } from './serde.js';

const NAMESPACE = 'com.touchstream';

/** The record each event type travels as. */
export const EVENT_RECORDS: Readonly<Record<string, string>> = {
  'customer.profile': `${NAMESPACE}.CustomerProfileEvent`,
  'tag.added': `${NAMESPACE}.TagEvent`,
  'tag.removed': `${NAMESPACE}.TagEvent`,
  'policy.issued': `${NAMESPACE}.PolicyEvent`,
  'policy.renewed': `${NAMESPACE}.PolicyEvent`,
  'policy.cancelled': `${NAMESPACE}.PolicyEvent`,
  'claim.reported': `${NAMESPACE}.ClaimEvent`,
  'claim.assessed': `${NAMESPACE}.ClaimEvent`,
  'claim.settled': `${NAMESPACE}.ClaimEvent`,
  'claim.rejected': `${NAMESPACE}.ClaimEvent`,
  behaviour: `${NAMESPACE}.BehaviourEvent`,
  broadcast: `${NAMESPACE}.BroadcastEvent`,
};

/** A plain JSON object from avsc's record instances, with null optional fields left out. */
function toCanonical(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toCanonical);
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === null) continue;
    out[key] = typeof field === 'object' ? toPlain(field) : field;
  }
  return out;
}

/** Maps (attrs, props) keep their null values: a null attribute removes it (contract, section 1). */
function toPlain(value: object): unknown {
  if (Array.isArray(value))
    return value.map((item) => (item !== null && typeof item === 'object' ? toPlain(item) : item));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value))
    out[key] = field !== null && typeof field === 'object' ? toPlain(field) : field;
  return out;
}

export function eventAvroSerde(serdes: AvroSerdes): Serde<unknown> {
  const writers = new Map<string, (value: unknown) => Buffer>();
  const writerFor = (type: string): ((value: unknown) => Buffer) => {
    let writer = writers.get(type);
    if (writer === undefined) {
      const record = EVENT_RECORDS[type];
      if (record === undefined) {
        throw new EncodeFailedError(
          `event type ${JSON.stringify(type)} has no Avro record; known: ${Object.keys(EVENT_RECORDS).join(', ')}`,
        );
      }
      writer = serdes.serializer<unknown>(record);
      writers.set(type, writer);
    }
    return writer;
  };
  return {
    serialize(value) {
      const type = (value as { type?: unknown } | null)?.type;
      if (typeof type !== 'string')
        throw new EncodeFailedError('an event needs a string type to be written as Avro');
      return writerFor(type)(value);
    },
    deserialize(bytes) {
      return toCanonical(serdes.deserialize(bytes));
    },
  };
}
