/**
 * What the timeline keeps of each record it sees, and how it tells the four kinds apart. The
 * timeline node is fed by one merged stream (customer events, the rule engine's transitions and
 * touches, delivery feedback), which carries no provenance, so a record's kind is read off the
 * fields its contract requires (rules contract section 1, schemas/*.avsc): only events have a
 * `type`; feedback is checked before touches because it also names a trigger and a channel.
 */
import { RuntimeError } from '../errors.js';
import { timelineKey } from './timeline-keys.js';
import type { TimelineKind } from './timeline-keys.js';

export interface TimelineEntry {
  kind: TimelineKind;
  /** When it happened (epoch ms): the event's ts, the transition's or touch's at, feedback's at. */
  at: number;
  /** The record as it travelled. */
  data: Record<string, unknown>;
}

export interface KeyedTimelineEntry {
  customerId: string;
  key: string;
  entry: TimelineEntry;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function instant(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : fallback;
}

function classify(
  data: Record<string, unknown>,
  timestamp: number,
): { kind: TimelineKind; at: number; identity: string } | undefined {
  const type = text(data.type);
  if (type !== undefined)
    return { kind: 'event', at: timestamp, identity: text(data.id) ?? `${type}@${timestamp}` };
  const commandId = text(data.commandId);
  const status = text(data.status);
  if (commandId !== undefined && status !== undefined) {
    const identity = `${commandId}\u0000${status}`;
    return { kind: 'feedback', at: instant(data.at, timestamp), identity };
  }
  const trigger = text(data.trigger);
  if (trigger !== undefined && text(data.template) !== undefined)
    return { kind: 'touch', at: instant(data.at, timestamp), identity: trigger };
  const segment = text(data.segment);
  if (segment !== undefined && (data.change === 'enter' || data.change === 'exit')) {
    const identity = `${segment}\u0000${data.change}`;
    return { kind: 'transition', at: instant(data.at, timestamp), identity };
  }
  return undefined;
}

/**
 * The entry and key for one record reaching the timeline. Records the engine emits and events it
 * accepted always classify; a feedback record that does not is refused (TS_RUNTIME_TIMELINE_RECORD)
 * so it lands in the dead letters with the reason.
 */
export function timelineEntryOf(
  key: unknown,
  value: unknown,
  timestamp: number,
): KeyedTimelineEntry {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RuntimeError(
      'TS_RUNTIME_TIMELINE_RECORD',
      `a timeline record must be an object, got ${value === null ? 'null' : typeof value}`,
    );
  }
  const data = value as Record<string, unknown>;
  const customerId = text(data.customerId) ?? text(key);
  const classified = classify(data, timestamp);
  if (customerId === undefined || classified === undefined) {
    throw new RuntimeError(
      'TS_RUNTIME_TIMELINE_RECORD',
      `record ${JSON.stringify(data).slice(0, 120)} is neither an event, a transition, a touch nor delivery feedback ` +
        '(feedback needs customerId, commandId, status and at, as in schemas/delivery-feedback.avsc)',
    );
  }
  return {
    customerId,
    key: timelineKey(customerId, classified.at, classified.kind, classified.identity),
    entry: { kind: classified.kind, at: classified.at, data },
  };
}
