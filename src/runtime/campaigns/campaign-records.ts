/**
 * How the campaign processors read the records that reach them. Their inputs are merged streams
 * without provenance, so a record's kind is read off the fields its contract requires, as the
 * timeline does: only customer events have a `type`; feedback has a `commandId` and a `status`;
 * a touch has a `trigger` and a `template` (and no `status`).
 *
 * Nothing here throws: the processors sit under the rule engine, and an exception from a child
 * would fail the engine's own record. A record that is none of these is skipped.
 */
import { touchCommandId } from '../../io/index.js';

export type CampaignArm = 'touched' | 'held_out';

export interface TouchView {
  commandId: string;
  trigger: string;
  customerId: string;
  channel: string;
  at: number;
  heldOut: boolean;
}

export interface FeedbackView {
  commandId: string;
  trigger: string;
  channel: string;
  status: string;
  guard: string | null;
  at: number;
  arm: CampaignArm;
  /** When the command was decided, read off its id; undefined when the id does not end in one. */
  commandAt: number | undefined;
}

export interface EventView {
  type: string;
  id: string | undefined;
  action: string | undefined;
  customerId: string;
  ts: number;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function instant(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The instant a command id ends in: `${trigger}:${customerId}:${at}` (see touchCommandId). */
export function commandInstant(commandId: string): number | undefined {
  const colon = commandId.lastIndexOf(':');
  if (colon < 0) return undefined;
  const tail = commandId.slice(colon + 1);
  if (!/^-?\d{1,16}$/.test(tail)) return undefined;
  return instant(Number(tail));
}

export function readTouch(key: unknown, value: unknown): TouchView | undefined {
  const data = objectOf(value);
  if (data === undefined || data.type !== undefined || data.status !== undefined) return undefined;
  const trigger = text(data.trigger);
  const customerId = text(data.customerId) ?? text(key);
  const at = instant(data.at);
  if (trigger === undefined || customerId === undefined || at === undefined) return undefined;
  if (typeof data.template !== 'string') return undefined;
  return {
    commandId: text(data.commandId) ?? touchCommandId({ trigger, customerId, at }),
    trigger,
    customerId,
    channel: text(data.channel) ?? '',
    at,
    heldOut: data.heldOut === true,
  };
}

export function readFeedback(value: unknown, timestamp: number): FeedbackView | undefined {
  const data = objectOf(value);
  if (data === undefined) return undefined;
  const commandId = text(data.commandId);
  const status = text(data.status);
  if (commandId === undefined || status === undefined) return undefined;
  const guard = text(data.guard) ?? null;
  return {
    commandId,
    trigger: text(data.trigger) ?? '',
    channel: text(data.channel) ?? '',
    status,
    guard,
    at: instant(data.at) ?? timestamp,
    // The delivery stage marks a held-out command by suppressing it with the holdout guard;
    // conversions carry the arm themselves.
    arm: data.heldOut === true || guard === 'holdout' ? 'held_out' : 'touched',
    commandAt: commandInstant(commandId),
  };
}

export function readEvent(key: unknown, value: unknown, timestamp: number): EventView | undefined {
  const data = objectOf(value);
  if (data === undefined) return undefined;
  const type = text(data.type);
  const customerId = text(data.customerId) ?? text(key);
  if (type === undefined || customerId === undefined) return undefined;
  return {
    type,
    id: text(data.id),
    action: text(data.action),
    customerId,
    ts: instant(data.ts) ?? timestamp,
  };
}
