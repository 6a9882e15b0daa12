import type { Serde } from '../state/index.js';
import {
  createCustomerState,
  type ClaimStatus,
  type CustomerState,
  type PendingFiring,
  type PolicyState,
} from './customer-state.js';
import { CustomerStateDecodeError } from './errors.js';
import type { AttrValue, JsonValue } from './types.js';

/*
 * Layout (JSON text, UTF-8), version 1:
 *   [1, customerId, evaluatedAt|null, attrs, tags, policies, claims, behaviour, segments, pending, firings]
 *   attrs      [name, value, name, value, ...]                     sorted by name
 *   tags       [tag, ...]                                          sorted
 *   policies   [[id, product, startDate, endDate, premium, 0 active|1 cancelled, attrs], ...]  sorted by id
 *   claims     [[id, status, statusTs, amount|null], ...]          sorted by id
 *   behaviour  [[action, firstTs, delta, delta, ...], ...]         sorted by action; deltas keep it short
 *   segments   [id, ...]                                           sorted
 *   pending    [[trigger, due, onAt, event], ...]                  in firing order
 *   firings    [[trigger, firstAt, delta, ...], ...]               sorted by trigger
 * Keys inside objects (policy attrs, events) are written sorted, so equal states give equal bytes.
 */

const VERSION = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function canonical(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(canonical);
  const keys = Object.keys(value).sort(byKey);
  return Object.fromEntries(
    keys.map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}

function deltas(times: readonly number[]): number[] {
  const out = new Array<number>(times.length);
  for (let i = 0; i < times.length; i++) out[i] = i === 0 ? times[0] : times[i] - times[i - 1];
  return out;
}

function undelta(encoded: readonly number[], from: number): number[] {
  const out: number[] = [];
  let last = 0;
  for (let i = from; i < encoded.length; i++) {
    last = i === from ? encoded[i] : last + encoded[i];
    out.push(last);
  }
  return out;
}

function sortedEntries<V>(map: ReadonlyMap<string, V>): [string, V][] {
  return [...map.entries()].sort((a, b) => byKey(a[0], b[0]));
}

function encode(state: CustomerState): unknown[] {
  const attrs: unknown[] = [];
  for (const [name, value] of sortedEntries(state.attrs)) attrs.push(name, value);
  const policies = sortedEntries(state.policies).map(([id, p]) => {
    const pa: unknown[] = [];
    for (const [name, value] of sortedEntries(p.attrs)) pa.push(name, canonical(value));
    return [id, p.product, p.startDate, p.endDate, p.premium, p.status === 'active' ? 0 : 1, pa];
  });
  return [
    VERSION,
    state.customerId,
    Number.isFinite(state.evaluatedAt) ? state.evaluatedAt : null,
    attrs,
    [...state.tags].sort(byKey),
    policies,
    sortedEntries(state.claims).map(([id, c]) => [id, c.status, c.statusTs, c.amount ?? null]),
    sortedEntries(state.behaviour).map(([action, times]) => [action, ...deltas(times)]),
    [...state.segments].sort(byKey),
    state.pending.map((f) => [f.trigger, f.due, f.onAt, canonical(f.event)]),
    sortedEntries(state.firings).map(([trigger, times]) => [trigger, ...deltas(times)]),
  ];
}

function decode(data: unknown): CustomerState {
  if (!Array.isArray(data) || data[0] !== VERSION || data.length !== 11) {
    throw new CustomerStateDecodeError(`unknown layout (expected version ${VERSION})`);
  }
  const [
    ,
    customerId,
    evaluatedAt,
    attrs,
    tags,
    policies,
    claims,
    behaviour,
    segments,
    pending,
    firings,
  ] = data as [
    number,
    string,
    number | null,
    unknown[],
    string[],
    unknown[][],
    unknown[][],
    unknown[][],
    string[],
    unknown[][],
    unknown[][],
  ];
  const state = createCustomerState(customerId);
  state.evaluatedAt = evaluatedAt ?? -Infinity;
  for (let i = 0; i < attrs.length; i += 2)
    state.attrs.set(attrs[i] as string, attrs[i + 1] as AttrValue);
  for (const tag of tags) state.tags.add(tag);
  for (const [id, product, startDate, endDate, premium, status, pa] of policies) {
    const policyAttrs = new Map<string, JsonValue>();
    const list = pa as unknown[];
    for (let i = 0; i < list.length; i += 2)
      policyAttrs.set(list[i] as string, list[i + 1] as JsonValue);
    const policy: PolicyState = {
      product: product as string,
      startDate: startDate as number,
      endDate: endDate as number,
      premium: premium as number,
      attrs: policyAttrs,
      status: status === 0 ? 'active' : 'cancelled',
    };
    state.policies.set(id as string, policy);
  }
  for (const [id, status, statusTs, amount] of claims) {
    state.claims.set(id as string, {
      status: status as ClaimStatus,
      statusTs: statusTs as number,
      ...(amount === null ? {} : { amount: amount as number }),
    });
  }
  for (const entry of behaviour)
    state.behaviour.set(entry[0] as string, undelta(entry as number[], 1));
  for (const id of segments) state.segments.add(id);
  state.pending = pending.map(([trigger, due, onAt, event]): PendingFiring => ({
    trigger: trigger as string,
    due: due as number,
    onAt: onAt as number,
    event: event as object,
  }));
  for (const entry of firings) state.firings.set(entry[0] as string, undelta(entry as number[], 1));
  return state;
}

/** A compact, deterministic serde for `CustomerState` (equal states give equal bytes). */
export const customerStateSerde: Serde<CustomerState> = {
  serialize(state) {
    return encoder.encode(JSON.stringify(encode(state)));
  },
  deserialize(bytes) {
    let data: unknown;
    try {
      data = JSON.parse(decoder.decode(bytes));
    } catch (error) {
      throw new CustomerStateDecodeError('bytes are not the JSON layout this serde writes', error);
    }
    try {
      return decode(data);
    } catch (error) {
      if (error instanceof CustomerStateDecodeError) throw error;
      throw new CustomerStateDecodeError('bytes do not follow the layout this serde writes', error);
    }
  },
};
