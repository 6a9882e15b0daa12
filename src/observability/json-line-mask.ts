/**
 * Masks PII in one serialised JSON log line, the last thing pino does before writing. Working on
 * the finished line catches everything at once: the message, interpolated arguments, nested
 * fields, child-logger bindings and error stacks, whatever serialiser produced them.
 *
 * Hazard: the line must stay valid JSON. Inside a string literal masking only turns digits into
 * `*`, but escapes (`\n`, `\"`) mean the raw text is not the text a reader sees, so a literal that
 * may hold PII is decoded, masked and re-encoded. A bare number that reads as PII
 * (`"mobile":13812345678`) cannot hold `*`, so it is replaced by a masked string.
 */
import { maskPii } from './pii-mask.js';
import { mayContainPii } from './pii-patterns.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

function isNumberChar(code: number): boolean {
  // digits, '.', 'e', 'E', '+', '-'
  return (
    (code >= DIGIT_0 && code <= DIGIT_9) ||
    code === 0x2e ||
    code === 0x65 ||
    code === 0x45 ||
    code === 0x2b ||
    code === MINUS
  );
}

/** Index just past the string literal that opens at `start` (a quote). */
function endOfString(line: string, start: number): number {
  let i = start + 1;
  while (i < line.length) {
    const code = line.charCodeAt(i);
    if (code === BACKSLASH) i += 2;
    else if (code === QUOTE) return i + 1;
    else i++;
  }
  return line.length;
}

/** Returns the line with PII masked; the same string when there was none (the usual case). */
export function maskJsonLine(line: string): string {
  if (!mayContainPii(line)) return line;
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < line.length) {
    const code = line.charCodeAt(i);
    if (code === QUOTE) {
      const end = endOfString(line, i);
      const literal = line.slice(i, end);
      if (mayContainPii(literal)) {
        const text = literal.includes('\\')
          ? (JSON.parse(literal) as string)
          : literal.slice(1, -1);
        const masked = maskPii(text);
        if (masked !== text) {
          out += line.slice(copied, i) + JSON.stringify(masked);
          copied = end;
        }
      }
      i = end;
    } else if ((code >= DIGIT_0 && code <= DIGIT_9) || code === MINUS) {
      let end = i + 1;
      while (end < line.length && isNumberChar(line.charCodeAt(end))) end++;
      const token = line.slice(i, end);
      const masked = maskPii(token);
      if (masked !== token) {
        out += line.slice(copied, i) + JSON.stringify(masked);
        copied = end;
      }
      i = end;
    } else {
      i++;
    }
  }
  return copied === 0 ? line : out + line.slice(copied);
}
