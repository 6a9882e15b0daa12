/**
 * Calendar days in one IANA time zone, and the weeks and months they fall in. Statistics are kept
 * per calendar day (`YYYY-MM-DD` in the zone); weeks and months are built from days at query time,
 * so they are plain date arithmetic and need no zone: a week starts on Monday and is named by
 * that Monday's date, a month by `YYYY-MM`.
 */
import { RuntimeError } from '../errors.js';

export const DEFAULT_CAMPAIGN_TIME_ZONE = 'Asia/Shanghai';

export type CampaignBucket = 'day' | 'week' | 'month';

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Day lookups remembered per zone; statistics mostly touch today and the days of recent touches. */
const REMEMBERED_DAYS = 8;

/** Throws TS_RUNTIME_TIME_ZONE naming the place when `timeZone` is not one this runtime knows. */
export function assertTimeZone(timeZone: string, place: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch (error) {
    throw new RuntimeError(
      'TS_RUNTIME_TIME_ZONE',
      `${place}: ${JSON.stringify(timeZone)} is not an IANA time zone (e.g. Asia/Shanghai)`,
      { cause: error, details: { place, timeZone } },
    );
  }
}

interface DaySpan {
  day: string;
  /** The instants [start, end) known to fall on `day`; narrower than the day around a DST change. */
  start: number;
  end: number;
}

/**
 * The calendar day of an instant in one zone. The last few days found are remembered with the
 * span of instants they cover, so most records cost two comparisons instead of a formatting call.
 */
export class ZonedCalendar {
  readonly timeZone: string;
  private readonly format: Intl.DateTimeFormat;
  private readonly spans: DaySpan[] = [];

  constructor(timeZone: string = DEFAULT_CAMPAIGN_TIME_ZONE) {
    assertTimeZone(timeZone, 'campaign time zone');
    this.timeZone = timeZone;
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
  }

  /** `YYYY-MM-DD` of the instant (epoch ms) in this zone. */
  dayOf(at: number): string {
    for (const span of this.spans) if (at >= span.start && at < span.end) return span.day;
    const span = this.span(at);
    if (this.spans.length >= REMEMBERED_DAYS) this.spans.shift();
    this.spans.push(span);
    return span.day;
  }

  private span(at: number): DaySpan {
    const whole = Math.floor(at);
    const local = this.wallClock(whole);
    const sinceMidnight =
      ((local.hour * 60 + local.minute) * 60 + local.second) * 1000 +
      (whole - Math.floor(whole / 1000) * 1000);
    const offset = this.offsetAt(whole, local);
    let start = whole - sinceMidnight;
    let end = start + DAY_MS;
    // A DST change inside the day moves its edges; trust only the part with this instant's offset.
    if (this.offsetAt(start) !== offset) start = whole;
    if (this.offsetAt(end - 1) !== offset) end = whole + 1;
    return { day: local.day, start, end };
  }

  private wallClock(at: number): {
    day: string;
    hour: number;
    minute: number;
    second: number;
    utc: number;
  } {
    const parts: Record<string, string> = {};
    for (const part of this.format.formatToParts(at)) parts[part.type] = part.value;
    const year = Number(parts.year);
    const month = Number(parts.month);
    const dayOfMonth = Number(parts.day);
    const hour = Number(parts.hour);
    const minute = Number(parts.minute);
    const second = Number(parts.second);
    return {
      day: `${String(year).padStart(4, '0')}-${parts.month}-${parts.day}`,
      hour,
      minute,
      second,
      utc: Date.UTC(year, month - 1, dayOfMonth, hour, minute, second),
    };
  }

  /** Local wall-clock time minus UTC at the instant, to the second. */
  private offsetAt(at: number, local = this.wallClock(at)): number {
    return local.utc - Math.floor(at / 1000) * 1000;
  }
}

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDay(text: string): boolean {
  const match = DAY_PATTERN.exec(text);
  if (match === null) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

function utcDate(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

function dayText(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The day `days` after `day` (before it when negative). */
export function addDays(day: string, days: number): string {
  return dayText(new Date(utcDate(day).getTime() + days * DAY_MS));
}

/** The Monday that starts the week of `day`. */
export function weekStart(day: string): string {
  const weekday = utcDate(day).getUTCDay(); // 0 is Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/** The bucket a day belongs to, named by its first day (day, week) or `YYYY-MM` (month). */
export function bucketOf(day: string, bucket: CampaignBucket): string {
  if (bucket === 'day') return day;
  if (bucket === 'week') return weekStart(day);
  return day.slice(0, 7);
}

/** The first and last day of the bucket named `label`. */
export function bucketSpan(label: string, bucket: CampaignBucket): { start: string; end: string } {
  if (bucket === 'day') return { start: label, end: label };
  if (bucket === 'week') return { start: label, end: addDays(label, 6) };
  const start = `${label}-01`;
  const [year, month] = label.split('-').map(Number);
  return { start, end: dayText(new Date(Date.UTC(year, month, 0))) };
}
