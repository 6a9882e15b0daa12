import { InvalidGuardInputError } from './errors.js';

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 1 = Monday ... 7 = Sunday (ISO). */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        weekday: 'short',
      });
    } catch (cause) {
      throw new InvalidGuardInputError('timeZone', 'is not an IANA time zone', timeZone, cause);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

export function zonedParts(epochMs: number, timeZone: string): ZonedParts & { second: number } {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
  for (const part of formatter(timeZone).formatToParts(epochMs)) {
    switch (part.type) {
      case 'year':
        out.year = Number(part.value);
        break;
      case 'month':
        out.month = Number(part.value);
        break;
      case 'day':
        out.day = Number(part.value);
        break;
      case 'hour':
        out.hour = Number(part.value);
        break;
      case 'minute':
        out.minute = Number(part.value);
        break;
      case 'second':
        out.second = Number(part.value);
        break;
      case 'weekday':
        out.weekday = WEEKDAYS[part.value] ?? 0;
        break;
      default:
        break;
    }
  }
  return out;
}

function offsetMs(epochMs: number, timeZone: string): number {
  const p = zonedParts(epochMs, timeZone);
  return (
    Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) -
    Math.floor(epochMs / 1000) * 1000
  );
}

/**
 * The instant a local wall-clock time happens in a zone. A time skipped by a DST gap resolves to
 * a time shifted forward by the gap (02:30 on a spring-forward night becomes 03:30 local, as Temporal does), and a
 * repeated time to its first occurrence, so a deferral never lands before the window really ends.
 */
export function zonedTimeToEpoch(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const early = wall - offsetMs(wall - 86_400_000 / 2, timeZone);
  const late = wall - offsetMs(wall + 86_400_000 / 2, timeZone);
  const candidates = [early, late]
    .filter((t) => wall === t + offsetMs(t, timeZone))
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0];
  // In a gap: the wall time does not exist; the gap ends where the later offset starts.
  return Math.max(early, late);
}

/** Adds calendar days to a y/m/d, returning the new y/m/d (UTC arithmetic on a date with no zone). */
export function addDays(
  year: number,
  month: number,
  day: number,
  days: number,
): [number, number, number] {
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}
