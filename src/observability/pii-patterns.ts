/**
 * The patterns that find mainland-China personal data in free text. Built once at module load;
 * callers share the compiled regexes.
 *
 * Boundaries matter more than the digits: an 11-digit mobile number is only PII when it stands
 * alone, so a match may not touch an ASCII letter, digit or underscore on either side (order
 * numbers like `ORD13812345678`, longer numbers, identifiers) nor be part of a decimal
 * (`13812345678.50` is an amount). CJK text around a number does not protect it:
 * `手机13812345678` is masked. Millisecond timestamps (13 digits starting 1[6-9]) never match:
 * the only 13-digit form is a mobile with an `86` prefix.
 */

// Province-level codes that open every resident ID (GB/T 2260), incl. HK/Macau/Taiwan residents'
// permits (81-83). Requiring one cuts false positives on ordinary numbers by about two thirds and
// rules out date-led order numbers ("2023...") entirely.
const PROVINCE = '(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[1-3])';
const MONTH = '(?:0[1-9]|1[0-2])';
const DAY = '(?:0[1-9]|[12]\\d|3[01])';

// A separator, when present, must be the same one throughout (138-1234-5678, 138 1234 5678);
// mixed runs like "2023-1234 5678" are more often dates and amounts than phone numbers.
const ID18 = `(?<id18>${PROVINCE}\\d{4}(?<idSep>[ -]?)(?:18|19|20)\\d{2}${MONTH}${DAY}\\k<idSep>\\d{3}[\\dXx])`;
const MOBILE = `(?<mobilePrefix>(?:\\+|00)?86[ -]?)?(?<mobile>1[3-9]\\d(?<mobileSep>[ -]?)\\d{4}\\k<mobileSep>\\d{4})`;
// First-generation IDs (before 1999) have a 2-digit year and no check digit; no separators are
// accepted because a 15-digit number with spaces inside is far more often something else.
const ID15 = `(?<id15>${PROVINCE}\\d{4}\\d{2}${MONTH}${DAY}\\d{3})`;

const ALTERNATIVES = `(?:${ID18}|${MOBILE}|${ID15})`;

const STRICT_BEFORE = '(?<![0-9A-Za-z_]|[0-9]\\.)';
const STRICT_AFTER = '(?![0-9A-Za-z_]|\\.[0-9])';

/** Every PII occurrence in plain text; global, use with `String.prototype.replace` only. */
export const PII_PATTERN = new RegExp(`${STRICT_BEFORE}${ALTERNATIVES}${STRICT_AFTER}`, 'g');

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const SPACE = 0x20;
const HYPHEN = 0x2d;
const DIGIT_8 = 0x38;
const DIGIT_6 = 0x36;

/**
 * A cheap pre-check that is true whenever `PII_PATTERN` could match (and sometimes when it will
 * not): some digit run of 11 or more, or a run of 3 or more followed by a separator and a digit
 * (the grouped forms). A 13-digit run is only a candidate when it starts with 86, which lets
 * millisecond timestamps (on every log line) through without running the regex.
 *
 * Only digits count, never letters, so it also holds on raw JSON, where an escape such as `\n`
 * or `\u0001` sits right next to a number: escapes can only lengthen a digit run.
 */
export function mayContainPii(text: string): boolean {
  const length = text.length;
  let i = 0;
  while (i < length) {
    let code = text.charCodeAt(i);
    if (code < DIGIT_0 || code > DIGIT_9) {
      i++;
      continue;
    }
    const start = i;
    do {
      i++;
      code = i < length ? text.charCodeAt(i) : 0;
    } while (code >= DIGIT_0 && code <= DIGIT_9);
    const run = i - start;
    if (run >= 11) {
      if (run !== 13) return true;
      if (text.charCodeAt(start) === DIGIT_8 && text.charCodeAt(start + 1) === DIGIT_6) return true;
    } else if (run >= 3 && (code === SPACE || code === HYPHEN) && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= DIGIT_0 && next <= DIGIT_9) return true;
    }
  }
  return false;
}

/** Shorter than the shortest match (an 11-digit mobile): nothing to look for. */
export const MIN_PII_LENGTH = 11;
