/**
 * Reads customer states in the first layout (JSON text), which stores and changelogs written
 * before the binary layout still hold; states are rewritten in the current layout when next saved.
 *
 *   [1, customerId, evaluatedAt|null, attrs, tags, policies, claims, behaviour, segments, pending, firings]
 *   attrs      [name, value, name, value, ...]
 *   policies   [[id, product, startDate, endDate, premium, 0 active|1 cancelled, attrs], ...]
 *   claims     [[id, status, statusTs, amount|null], ...]
 *   behaviour  [[action, firstTs, delta, delta, ...], ...]
 *   pending    [[trigger, due, onAt, event], ...]
 *   firings    [[trigger, firstAt, delta, ...], ...]
 */
import {
  createCustomerState,
  type ClaimStatus,
  type CustomerState,
  type PendingFiring,
  type PolicyState,
} from './customer-state.js';
import { CustomerStateDecodeError } from './errors.js';
import type { AttrValue, JsonValue } from './types.js';

const VERSION = 1;
const decoder = new TextDecoder('utf-8', { fatal: true });

function undelta(encoded: readonly number[], from: number): number[] {
  const out: number[] = [];
  let last = 0;
  for (let i = from; i < encoded.length; i++) {
    last = i === from ? encoded[i] : last + encoded[i];
    out.push(last);
  }
  return out;
}

function decodeLayout(data: unknown): CustomerState {
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
  // Not recorded in this layout: the timer store is read the next time the wake moves.
  state.wake = NaN;
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

export function decodeJsonLayout(bytes: Uint8Array): CustomerState {
  let data: unknown;
  try {
    data = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new CustomerStateDecodeError('bytes are not a layout this serde writes', error);
  }
  try {
    return decodeLayout(data);
  } catch (error) {
    if (error instanceof CustomerStateDecodeError) throw error;
    throw new CustomerStateDecodeError('bytes do not follow the JSON layout', error);
  }
}
