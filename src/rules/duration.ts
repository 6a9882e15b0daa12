import { TouchstreamError } from '../errors/index.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `<integer><unit>`: the only duration spelling rules may use (contract section 2). */
export const DURATION_PATTERN = '^[0-9]+[mhd]$';
const DURATION_RE = new RegExp(DURATION_PATTERN);

/** Milliseconds for a duration such as `30d`, or undefined when the text is not one. */
export function tryParseDuration(text: unknown): number | undefined {
  if (typeof text !== 'string' || !DURATION_RE.test(text)) return undefined;
  const unit = text[text.length - 1] as keyof typeof UNIT_MS;
  const ms = Number(text.slice(0, -1)) * UNIT_MS[unit];
  // Past 2^53 the sum `ts + D` stops being exact, and time flips must be exact to the millisecond.
  return Number.isSafeInteger(ms) ? ms : undefined;
}

export class DurationError extends TouchstreamError {
  constructor(text: unknown, place: string) {
    super(
      'TS_RULE_DURATION',
      `${place}: ${JSON.stringify(text)} is not a duration; write <integer><unit> with unit m, h or d (e.g. 30d)`,
      { details: { path: place, value: text } },
    );
  }
}

/** Parses a duration or throws a `DurationError` naming `place` (a JSON path or config field). */
export function parseDuration(text: string, place = 'duration'): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) throw new DurationError(text, place);
  return ms;
}
