/**
 * One customer's open attribution windows: the touches of triggers that have a conversion, each
 * open from its instant for its trigger's longest window. Pure functions over the stored value, so
 * the rules (window edges, once only, the latest touch wins) are in one place.
 *
 * The window of a touch at `t` is the half-open span (t, t + window]: an event at the touch's own
 * instant is not after it (it is often the very event that fired the touch), and one exactly a
 * window later still counts.
 */
import type { ConversionSpec } from './campaign-options.js';

export interface OpenTouch {
  commandId: string;
  trigger: string;
  channel: string;
  at: number;
  heldOut: boolean;
  /** Already credited with a conversion: a touch converts once. */
  converted: boolean;
}

/** The stored value, per customer; touches are kept in ascending `at`. */
export interface OpenTouches {
  touches: OpenTouch[];
}

/**
 * Adds a touch, unless the same command is already open, keeping at most `max` (the oldest go).
 * Returns whether anything changed.
 */
export function addTouch(open: OpenTouches, touch: OpenTouch, max: number): boolean {
  const touches = open.touches;
  if (touches.some((known) => known.commandId === touch.commandId)) return false;
  let i = touches.length;
  while (i > 0 && touches[i - 1].at > touch.at) i -= 1;
  touches.splice(i, 0, touch);
  if (touches.length > max) touches.splice(0, touches.length - max);
  return true;
}

/** Drops touches whose window closed before `now`; returns how many it dropped. */
export function closeWindows(
  open: OpenTouches,
  now: number,
  windowOf: ReadonlyMap<string, number>,
): number {
  const before = open.touches.length;
  open.touches = open.touches.filter((touch) => {
    const window = windowOf.get(touch.trigger);
    return window !== undefined && touch.at + window >= now;
  });
  return before - open.touches.length;
}

/**
 * The touch an event at `ts` converts under `spec`: the latest touch of the spec's trigger before
 * the event, if the event falls inside its window and it has not converted yet. An earlier touch
 * is never credited instead of a later one that already converted.
 */
export function convertedTouch(
  open: OpenTouches,
  spec: ConversionSpec,
  ts: number,
): OpenTouch | undefined {
  let latest: OpenTouch | undefined;
  for (const touch of open.touches) {
    if (touch.trigger !== spec.trigger || touch.at >= ts) continue;
    if (latest === undefined || touch.at >= latest.at) latest = touch;
  }
  if (latest === undefined || latest.converted || ts > latest.at + spec.windowMs) return undefined;
  return latest;
}
