import type { CapPeriod } from './guard-config.js';
import { addDays, zonedParts, zonedTimeToEpoch } from './zoned-time.js';

export interface CalendarPeriod {
  /** Stable name of the period, e.g. "d2026-03-08" or "w2026-03-02" (the Monday). */
  id: string;
  startMs: number;
  endMs: number;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The calendar day or ISO week (Monday to Monday) holding an instant, in a time zone. */
export function calendarPeriod(per: CapPeriod, at: number, timeZone: string): CalendarPeriod {
  // Most touches in a batch fall in the period the previous one did; Intl formatting is the cost.
  const cacheKey = per + timeZone;
  const last = lastPeriod.get(cacheKey);
  if (last !== undefined && at >= last.startMs && at < last.endMs) return last;
  const period = computePeriod(per, at, timeZone);
  if (lastPeriod.size > 1000) lastPeriod.clear();
  lastPeriod.set(cacheKey, period);
  return period;
}

const lastPeriod = new Map<string, CalendarPeriod>();

function computePeriod(per: CapPeriod, at: number, timeZone: string): CalendarPeriod {
  const p = zonedParts(at, timeZone);
  let [y, m, d] = [p.year, p.month, p.day];
  let length = 1;
  if (per === 'week') {
    [y, m, d] = addDays(y, m, d, 1 - p.weekday);
    length = 7;
  }
  const [ny, nm, nd] = addDays(y, m, d, length);
  return Object.freeze({
    id: `${per === 'day' ? 'd' : 'w'}${y}-${pad(m)}-${pad(d)}`,
    startMs: zonedTimeToEpoch(y, m, d, 0, 0, timeZone),
    endMs: zonedTimeToEpoch(ny, nm, nd, 0, 0, timeZone),
  });
}
