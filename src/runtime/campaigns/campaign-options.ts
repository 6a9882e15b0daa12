/**
 * What campaign tracking is told: which customer event counts as the conversion of which trigger,
 * and within how long after a touch; the zone whose calendar days the statistics use.
 */
import { RuntimeError } from '../errors.js';

export interface ConversionSpec {
  /** The trigger rule's id whose touches this event converts. */
  trigger: string;
  /** The customer event type that is the conversion (e.g. `policy.renewed`). */
  event: string;
  /** For `behaviour` events: only this action converts. */
  action?: string;
  /** How long after a touch the conversion still counts (ms). */
  windowMs: number;
}

export interface CampaignTopologyOptions {
  conversions: readonly ConversionSpec[];
  /** IANA zone of the statistics' calendar days (default Asia/Shanghai). */
  timeZone?: string;
  /** Most open attribution windows kept per customer; the oldest go first (default 20). */
  maxOpenTouches?: number;
  /** Statistics of a day bucket not written for this long (stream time) are deleted (default 400 days). */
  statsRetentionMs?: number;
}

export const DEFAULT_MAX_OPEN_TOUCHES = 20;
export const DEFAULT_STATS_RETENTION_MS = 400 * 86_400_000;
/**
 * Margin of the windows store's TTL over the longest window: a touch fired on the wall clock may
 * lie ahead of the stream time it was written at, and its window must outlive it from there.
 */
export const WINDOW_TTL_MARGIN_MS = 86_400_000;

/** The conversions of each event type, and the longest window of each trigger. */
export interface ConversionIndex {
  byEvent: ReadonlyMap<string, readonly ConversionSpec[]>;
  windowOf: ReadonlyMap<string, number>;
  longestWindowMs: number;
}

export function indexConversions(conversions: readonly ConversionSpec[]): ConversionIndex {
  const byEvent = new Map<string, ConversionSpec[]>();
  const windowOf = new Map<string, number>();
  conversions.forEach((spec, i) => {
    const place = `tracking.conversions[${i}]`;
    if (typeof spec.trigger !== 'string' || spec.trigger.length === 0)
      throw invalid(`${place}.trigger`, 'must name a trigger rule');
    if (typeof spec.event !== 'string' || spec.event.length === 0)
      throw invalid(`${place}.event`, 'must name a customer event type');
    if (!Number.isSafeInteger(spec.windowMs) || spec.windowMs <= 0)
      throw invalid(`${place}.window`, 'must be a positive duration');
    const list = byEvent.get(spec.event) ?? [];
    list.push(spec);
    byEvent.set(spec.event, list);
    windowOf.set(spec.trigger, Math.max(windowOf.get(spec.trigger) ?? 0, spec.windowMs));
  });
  return {
    byEvent,
    windowOf,
    longestWindowMs: Math.max(0, ...windowOf.values()),
  };
}

function invalid(place: string, what: string): RuntimeError {
  return new RuntimeError('TS_RUNTIME_CONVERSION_SPEC', `${place} ${what}`, {
    details: { place },
  });
}
