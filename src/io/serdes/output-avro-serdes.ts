/**
 * Avro serdes of the engine's outputs: touch commands (TouchCommand, with the command id that
 * delivery uses as its idempotency key) and segment transitions (SegmentTransition).
 */
import type { AvroSerdes } from './avro-serdes.js';
import type { Serde } from './serde.js';

const NAMESPACE = 'com.touchstream';

type ParamValue = string | number | boolean | null;

interface TouchLike {
  at: number;
  trigger: string;
  customerId: string;
  channel: string;
  template: string;
  params: Record<string, unknown>;
  heldOut: boolean;
  commandId?: string;
  /** Contact details the engine copied from the customer's attributes, when it has them. */
  phone?: string | null;
  openid?: string | null;
  pushRegistrationId?: string | null;
}

/** The id a touch is delivered under: the same touch always gets the same id. */
export function touchCommandId(touch: { trigger: string; customerId: string; at: number }): string {
  return `${touch.trigger}:${touch.customerId}:${touch.at}`;
}

/** Avro maps hold primitives; anything else travels as its JSON text. */
function toParams(params: Record<string, unknown>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(params)) {
    out[name] =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
        ? value
        : JSON.stringify(value);
  }
  return out;
}

function plain(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

export function touchCommandAvroSerde(serdes: AvroSerdes): Serde<unknown> {
  const write = serdes.serializer<unknown>(`${NAMESPACE}.TouchCommand`);
  return {
    serialize(value) {
      const touch = value as TouchLike;
      return write({
        commandId: touch.commandId ?? touchCommandId(touch),
        at: touch.at,
        trigger: touch.trigger,
        ruleVersion: null,
        customerId: touch.customerId,
        channel: touch.channel,
        template: touch.template,
        params: toParams(touch.params ?? {}),
        heldOut: touch.heldOut,
        createdAt: touch.at,
        phone: touch.phone ?? null,
        openid: touch.openid ?? null,
        pushRegistrationId: touch.pushRegistrationId ?? null,
      });
    },
    deserialize(bytes) {
      return plain(serdes.deserialize(bytes));
    },
  };
}

export function segmentTransitionAvroSerde(serdes: AvroSerdes): Serde<unknown> {
  const write = serdes.serializer<unknown>(`${NAMESPACE}.SegmentTransition`);
  return {
    serialize: (value) => write(value),
    deserialize: (bytes) => plain(serdes.deserialize(bytes)),
  };
}
