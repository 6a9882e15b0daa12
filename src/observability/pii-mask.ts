/**
 * Masks mobile numbers and resident ID numbers in text and in nested values. Used by the logger
 * on every line and by the HTTP API on responses, so the common case (nothing to mask) does one
 * regex scan and allocates nothing.
 */
import { MIN_PII_LENGTH, PII_PATTERN, mayContainPii } from './pii-patterns.js';

interface PiiGroups {
  id18?: string;
  mobilePrefix?: string;
  mobile?: string;
  id15?: string;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isRealDate(year: number, month: number, day: number): boolean {
  if (day > DAYS_IN_MONTH[month - 1]) return false;
  if (month !== 2 || day !== 29) return true;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const SEPARATORS = /[ -]/g;

function digitsOnly(text: string): string {
  return text.replace(SEPARATORS, '');
}

function replaceMatch(match: string, ...rest: unknown[]): string {
  const groups = rest[rest.length - 1] as PiiGroups;
  if (groups.mobile !== undefined) {
    const digits = digitsOnly(groups.mobile);
    return `${groups.mobilePrefix ?? ''}${digits.slice(0, 3)}****${digits.slice(7)}`;
  }
  if (groups.id18 !== undefined) {
    const id = digitsOnly(groups.id18);
    const year = Number(id.slice(6, 10));
    const month = Number(id.slice(10, 12));
    const day = Number(id.slice(12, 14));
    if (!isRealDate(year, month, day)) return match;
    return `${id.slice(0, 6)}********${id.slice(14)}`;
  }
  if (groups.id15 !== undefined) {
    const id = groups.id15;
    const year = 1900 + Number(id.slice(6, 8));
    if (!isRealDate(year, Number(id.slice(8, 10)), Number(id.slice(10, 12)))) return match;
    // Keep the region and the 3-digit sequence only: keeping 4 would leak a digit of the birth date.
    return `${id.slice(0, 6)}******${id.slice(12)}`;
  }
  return match;
}

/**
 * Returns `text` with every mainland mobile number (`138****5678`, any `+86`/`86` prefix kept)
 * and resident ID number (`110105********1234`; 15-digit IDs `130503******001`) masked.
 * Returns the same string when there is nothing to mask.
 */
export function maskPii(text: string): string {
  if (text.length < MIN_PII_LENGTH || !mayContainPii(text)) return text;
  return text.replace(PII_PATTERN, replaceMatch);
}

const MAX_DEPTH = 64;
// Below 10^10 an integer has at most 10 digits, too few for any pattern.
const SMALLEST_PII_NUMBER = 1e10;

function maskNumber(value: number): number | string {
  // 18-digit IDs are beyond 2^53 and arrive here already rounded; they can only be caught as text.
  if (value < SMALLEST_PII_NUMBER || !Number.isSafeInteger(value)) return value;
  const text = String(value);
  const masked = maskPii(text);
  return masked === text ? value : masked;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function maskArray(array: readonly unknown[], ancestors: Set<object>, depth: number): unknown {
  let copy: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    const masked = maskDeep(item, ancestors, depth);
    if (masked !== item && copy === undefined) copy = array.slice(0, i);
    if (copy !== undefined) copy.push(masked);
  }
  return copy ?? array;
}

function maskObject(
  object: Record<string, unknown>,
  ancestors: Set<object>,
  depth: number,
): unknown {
  const keys = Object.keys(object);
  let copy: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const item = object[key];
    const maskedKey = maskPii(key);
    const masked = maskDeep(item, ancestors, depth);
    if ((masked !== item || maskedKey !== key) && copy === undefined) {
      copy = Object.getPrototypeOf(object) === null ? Object.create(null) : {};
      for (let j = 0; j < i; j++) copy![keys[j]] = object[keys[j]];
    }
    if (copy !== undefined) copy[maskedKey] = masked;
  }
  return copy ?? object;
}

function maskError(error: Error, ancestors: Set<object>, depth: number): Error {
  const message = maskPii(error.message);
  const stack = error.stack === undefined ? undefined : maskPii(error.stack);
  const hasCause = 'cause' in error;
  const cause = hasCause ? maskDeep(error.cause, ancestors, depth) : undefined;
  const fields = { ...error } as Record<string, unknown>;
  const maskedFields = maskObject(fields, ancestors, depth) as Record<string, unknown>;
  if (
    message === error.message &&
    stack === error.stack &&
    (!hasCause || cause === error.cause) &&
    maskedFields === fields
  ) {
    return error;
  }
  // Same prototype, so `instanceof`, `name` and `toJSON` (TouchstreamError) still work on the copy.
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
  Object.assign(copy, maskedFields);
  const hidden = { writable: true, configurable: true, enumerable: false };
  Object.defineProperty(copy, 'message', { ...hidden, value: message });
  if (stack !== undefined) Object.defineProperty(copy, 'stack', { ...hidden, value: stack });
  if (hasCause) Object.defineProperty(copy, 'cause', { ...hidden, value: cause });
  return copy;
}

function maskDeep(value: unknown, ancestors: Set<object>, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return maskPii(value);
    case 'number':
      return maskNumber(value);
    case 'bigint': {
      const text = value.toString();
      const masked = maskPii(text);
      return masked === text ? value : masked;
    }
    case 'object': {
      if (value === null) return value;
      if (ancestors.has(value)) return '[Circular]';
      if (depth >= MAX_DEPTH) return '[Too deep]';
      const isArray = Array.isArray(value);
      const isError = value instanceof Error;
      // Class instances (Date, Buffer, Map, ...) are left alone: they do not serialise as their
      // fields, and copying them field by field would change what they are.
      if (!isArray && !isError && !isPlainObject(value)) return value;
      ancestors.add(value);
      try {
        if (isArray) return maskArray(value as unknown[], ancestors, depth + 1);
        if (isError) return maskError(value as Error, ancestors, depth + 1);
        return maskObject(value as Record<string, unknown>, ancestors, depth + 1);
      } finally {
        ancestors.delete(value);
      }
    }
    default:
      return value;
  }
}

/**
 * Masks PII anywhere inside `value`: strings, integer numbers that read as a mobile or ID number
 * (returned as masked strings), object keys, arrays, errors (message, stack, fields, cause).
 * Copy-on-write: returns `value` itself when nothing needed masking, and never mutates it.
 * Cycles become `"[Circular]"`.
 */
export function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return maskPii(value);
  if (typeof value !== 'object' || value === null) return maskDeep(value, EMPTY, 0);
  return maskDeep(value, new Set(), 0);
}

// Primitives never touch the ancestor set; one shared empty set saves the allocation.
const EMPTY: Set<object> = new Set();
