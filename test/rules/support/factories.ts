/** Small builders for test events and rules; times are in ms from an arbitrary day. */
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const T0 = Date.UTC(2026, 0, 1);

let seq = 0;
const nextId = (): string => `e${++seq}`;

export const at = (days: number, ms = 0): number => T0 + days * DAY + ms;

export function profile(customerId: string, ts: number, attrs: Record<string, unknown>) {
  return { type: 'customer.profile', id: nextId(), ts, customerId, attrs };
}
export function tag(customerId: string, ts: number, name: string, removed = false) {
  return { type: removed ? 'tag.removed' : 'tag.added', id: nextId(), ts, customerId, tag: name };
}
export function policy(customerId: string, ts: number, fields: Record<string, unknown> = {}) {
  return {
    type: 'policy.issued',
    id: nextId(),
    ts,
    customerId,
    policyId: 'p1',
    product: 'auto',
    startDate: ts,
    endDate: ts + 365 * DAY,
    premium: 1000,
    ...fields,
  };
}
export function claim(
  customerId: string,
  ts: number,
  status: string,
  fields: Record<string, unknown> = {},
) {
  return { type: `claim.${status}`, id: nextId(), ts, customerId, claimId: 'c1', ...fields };
}
export function behaviour(
  customerId: string,
  ts: number,
  action: string,
  props?: Record<string, unknown>,
) {
  return {
    type: 'behaviour',
    id: nextId(),
    ts,
    customerId,
    action,
    ...(props === undefined ? {} : { props }),
  };
}
export function clock(ts: number) {
  return { type: 'clock', id: nextId(), ts };
}
export function broadcast(ts: number, topic: string, props: Record<string, unknown>) {
  return { type: 'broadcast', id: nextId(), ts, topic, props };
}
export function upsert(ts: number, rule: unknown) {
  return { type: 'rule.upsert', id: nextId(), ts, rule };
}
export function remove(ts: number, ruleId: string) {
  return { type: 'rule.delete', id: nextId(), ts, ruleId };
}
export function segment(id: string, when: unknown) {
  return { id, kind: 'segment', when };
}
export function trigger(id: string, on: unknown, extra: Record<string, unknown> = {}) {
  return { id, kind: 'trigger', on, touch: { channel: 'push', template: `tpl-${id}` }, ...extra };
}
