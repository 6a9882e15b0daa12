import type { QuietWindow } from './guard-config.js';
import { addDays, zonedParts, zonedTimeToEpoch } from './zoned-time.js';

export type QuietHoursResult =
  { allowed: true } | { allowed: false; until: number; reason: string };

interface Window {
  from: number;
  to: number;
  text: string;
}

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Per-channel quiet windows in the customer's local time; pure, so it costs no Redis round trip. */
export class QuietHours {
  readonly #windows = new Map<string, Window>();

  constructor(windows: Readonly<Record<string, QuietWindow>>) {
    for (const [channel, w] of Object.entries(windows)) {
      this.#windows.set(channel, {
        from: minutes(w.from),
        to: minutes(w.to),
        text: `${w.from}-${w.to}`,
      });
    }
  }

  /**
   * Whether a touch may go out at `at`; if not, the instant the window ends. The end is found as a
   * local wall time and converted back, so it stays right across DST changes (a window ending at
   * 08:00 ends at 08:00 local whether the night was 23, 24 or 25 hours long).
   */
  check(channel: string, at: number, timeZone: string): QuietHoursResult {
    const w = this.#windows.get(channel);
    if (w === undefined) return { allowed: true };
    const p = zonedParts(at, timeZone);
    const now = p.hour * 60 + p.minute;
    const crossesMidnight = w.from > w.to;
    const inside = crossesMidnight ? now >= w.from || now < w.to : now >= w.from && now < w.to;
    if (!inside) return { allowed: true };
    const [y, m, d] =
      crossesMidnight && now >= w.from
        ? addDays(p.year, p.month, p.day, 1)
        : [p.year, p.month, p.day];
    let until = zonedTimeToEpoch(y, m, d, Math.floor(w.to / 60), w.to % 60, timeZone);
    // A repeated hour (DST fall-back) can map the end before `at`; the window still ends at most an hour later.
    if (until <= at) until = at + 60_000;
    return { allowed: false, until, reason: `quiet hours ${w.text} (${timeZone}) on ${channel}` };
  }
}
