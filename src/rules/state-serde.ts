import type { Serde } from '../state/index.js';
import { ByteLayoutError, ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import {
  createCustomerState,
  type ClaimStatus,
  type CustomerState,
  type PolicyState,
} from './customer-state.js';
import { CustomerStateDecodeError } from './errors.js';
import { decodeJsonLayout } from './state-serde-v1.js';
import type { AttrValue, JsonValue } from './types.js';

/*
 * Binary layout, first byte 0xC3 (every state is read and rewritten on every event it sees, so this is
 * on the hot path: one pass, no intermediate objects, one allocation for the result):
 *   0xC3 customerId evaluatedAt wake
 *   attrs      n (name value)*
 *   tags       n tag*
 *   policies   n (id product startDate endDate premium status:byte n (name value)*)*
 *   claims     n (id status:byte statusTs amount|null)*
 *   behaviour  n (action times)*   times: n [flag firstTs delta*]; flag 0: bare varint deltas
 *   segments   n id*
 *   pending    n (trigger due onAt event)*         in firing order
 *   firings    n (trigger times)*
 * n is a varint count, strings are length-prefixed UTF-8, numbers and values are tagged
 * (byte-writer.ts). Maps and sets are written in their iteration order, which a decode restores:
 * a restored state iterates exactly as the live one did. Bytes starting with '[' are the first,
 * JSON layout (state-serde-v1.ts).
 */
const MAGIC = 0xc3;
const JSON_LAYOUT = 0x5b;
const CLAIM_STATUSES: readonly ClaimStatus[] = ['reported', 'assessed', 'settled', 'rejected'];
const CLAIM_STATUS_CODES = new Map(CLAIM_STATUSES.map((status, code) => [status, code]));

const writer = new ByteWriter();

/** Ascending integer times: the first as a number, then bare varint deltas (flag 0); else tagged numbers (flag 1). */
function writeTimes(times: readonly number[]): void {
  const length = times.length;
  writer.varint(length);
  if (length === 0) return;
  let plain = Number.isSafeInteger(times[0]);
  for (let i = 1; plain && i < length; i++) {
    const delta = times[i] - times[i - 1];
    plain = delta >= 0 && Number.isSafeInteger(delta);
  }
  writer.byte(plain ? 0 : 1);
  writer.number(times[0]);
  for (let i = 1; i < length; i++) {
    if (plain) writer.varint(times[i] - times[i - 1]);
    else writer.number(times[i] - times[i - 1]);
  }
}

function readTimes(reader: ByteReader): number[] {
  const length = reader.count();
  const times = new Array<number>(length);
  if (length === 0) return times;
  const plain = reader.byte() === 0;
  let last = reader.number();
  times[0] = last;
  for (let i = 1; i < length; i++) {
    last += plain ? reader.varint() : reader.number();
    times[i] = last;
  }
  return times;
}

function writeMap(map: ReadonlyMap<string, unknown>): void {
  writer.varint(map.size);
  for (const [name, value] of map) {
    writer.string(name);
    writer.value(value);
  }
}

function writeSet(set: ReadonlySet<string>): void {
  writer.varint(set.size);
  for (const item of set) writer.string(item);
}

function encode(state: CustomerState): Uint8Array {
  writer.reset();
  writer.byte(MAGIC);
  writer.string(state.customerId);
  writer.number(state.evaluatedAt);
  writer.number(state.wake);
  writeMap(state.attrs);
  writeSet(state.tags);
  writer.varint(state.policies.size);
  for (const [id, policy] of state.policies) {
    writer.string(id);
    writer.string(policy.product);
    writer.number(policy.startDate);
    writer.number(policy.endDate);
    writer.number(policy.premium);
    writer.byte(policy.status === 'active' ? 0 : 1);
    writeMap(policy.attrs);
  }
  writer.varint(state.claims.size);
  for (const [id, claim] of state.claims) {
    writer.string(id);
    writer.byte(CLAIM_STATUS_CODES.get(claim.status) ?? 0);
    writer.number(claim.statusTs);
    writer.value(claim.amount ?? null);
  }
  writer.varint(state.behaviour.size);
  for (const [action, times] of state.behaviour) {
    writer.string(action);
    writeTimes(times);
  }
  writeSet(state.segments);
  writer.varint(state.pending.length);
  for (const firing of state.pending) {
    writer.string(firing.trigger);
    writer.number(firing.due);
    writer.number(firing.onAt);
    writer.value(firing.event);
  }
  writer.varint(state.firings.size);
  for (const [trigger, times] of state.firings) {
    writer.string(trigger);
    writeTimes(times);
  }
  return writer.finish();
}

function decode(bytes: Uint8Array): CustomerState {
  const reader = new ByteReader(bytes);
  reader.byte();
  const state = createCustomerState(reader.string());
  state.evaluatedAt = reader.number();
  state.wake = reader.number();
  for (let n = reader.count(); n > 0; n--)
    state.attrs.set(reader.string(), reader.value() as AttrValue);
  for (let n = reader.count(); n > 0; n--) state.tags.add(reader.string());
  for (let n = reader.count(); n > 0; n--) {
    const id = reader.string();
    const product = reader.string();
    const startDate = reader.number();
    const endDate = reader.number();
    const premium = reader.number();
    const status = reader.byte() === 0 ? 'active' : 'cancelled';
    const attrs = new Map<string, JsonValue>();
    for (let m = reader.count(); m > 0; m--)
      attrs.set(reader.string(), reader.value() as JsonValue);
    const policy: PolicyState = { product, startDate, endDate, premium, attrs, status };
    state.policies.set(id, policy);
  }
  for (let n = reader.count(); n > 0; n--) {
    const id = reader.string();
    const status = CLAIM_STATUSES[reader.byte()];
    if (status === undefined) throw new ByteLayoutError('unknown claim status code');
    const statusTs = reader.number();
    const amount = reader.value();
    state.claims.set(
      id,
      typeof amount === 'number' ? { status, statusTs, amount } : { status, statusTs },
    );
  }
  for (let n = reader.count(); n > 0; n--) state.behaviour.set(reader.string(), readTimes(reader));
  for (let n = reader.count(); n > 0; n--) state.segments.add(reader.string());
  for (let n = reader.count(); n > 0; n--) {
    const trigger = reader.string();
    const due = reader.number();
    const onAt = reader.number();
    state.pending.push({ trigger, due, onAt, event: reader.value() as object });
  }
  for (let n = reader.count(); n > 0; n--) state.firings.set(reader.string(), readTimes(reader));
  if (!reader.done) throw new ByteLayoutError('bytes left after the last section');
  return state;
}

/** A compact binary serde for `CustomerState`; also reads states in the earlier JSON layout. */
export const customerStateSerde: Serde<CustomerState> = {
  serialize: encode,
  deserialize(bytes) {
    if (bytes.length > 0 && bytes[0] === JSON_LAYOUT) return decodeJsonLayout(bytes);
    if (bytes.length === 0 || bytes[0] !== MAGIC)
      throw new CustomerStateDecodeError('bytes are not a layout this serde writes');
    try {
      return decode(bytes);
    } catch (error) {
      if (error instanceof ByteLayoutError)
        throw new CustomerStateDecodeError(
          `bytes do not follow the binary layout (${error.message})`,
          error,
        );
      throw error;
    }
  },
};
