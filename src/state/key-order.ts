/**
 * The one key order of the state layer: UTF-8 byte order, which is LevelDB's and equals Unicode
 * code point order. JavaScript's `<` compares UTF-16 code units instead, which disagrees exactly
 * when one string has a surrogate (U+D800-U+DFFF, half of a code point above U+FFFF) where the
 * other has U+E000-U+FFFF: UTF-16 puts the surrogate first, UTF-8 puts it last.
 */
import { InvalidStateArgumentError } from './errors.js';
import type { KeyRange } from './types.js';

/**
 * False when `key` has no code unit >= U+D800: then the native string comparison orders it
 * against any other key exactly as UTF-8 does, since the two orders only disagree where both
 * strings have such a unit at their first difference.
 */
export function needsSlowCompare(key: string): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) >= 0xd800) return true;
  return false;
}

/**
 * An equal string that V8 stores flat. Keys built by concatenation are cons strings (a tree of
 * pieces); a long-lived ordered index compares its stored keys millions of times, and comparing
 * through a cons costs about twice as much. `toLowerCase` and `normalize` hand back the flattened
 * string when they change nothing (engine behaviour, relied on for speed only: the result is
 * always equal to `key`).
 */
export function flatKey(key: string): string {
  const lower = key.toLowerCase();
  if (lower === key) return lower;
  const normal = key.normalize('NFC');
  return normal === key ? normal : key;
}

/** Negative, zero or positive as `a` sorts before, equal to or after `b` in UTF-8 byte order. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  if (!needsSlowCompare(a) || !needsSlowCompare(b)) return a < b ? -1 : 1;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca !== cb) {
      // Only when both are >= U+D800 can the two orders disagree; lift the surrogates above U+FFFF.
      if (ca >= 0xd800 && cb >= 0xd800) {
        ca = ca < 0xe000 ? ca + 0x2000 : ca - 0x800;
        cb = cb < 0xe000 ? cb + 0x2000 : cb - 0x800;
      }
      return ca - cb;
    }
  }
  return a.length - b.length;
}

const MAX_CODE_POINT = 0x10ffff;

/**
 * The smallest key greater than every key that starts with `prefix`, or undefined when there is
 * none (the prefix is empty or all U+10FFFF). Keys starting with `prefix` are exactly
 * `[prefix, successor)`, because UTF-8 byte order is code point order.
 */
export function prefixSuccessor(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop() as string;
    let cp = (last.codePointAt(0) as number) + 1;
    if (cp > MAX_CODE_POINT) continue;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xe000;
    return points.join('') + String.fromCodePoint(cp);
  }
  return undefined;
}

/** The key range that selects exactly the keys starting with `prefix`. */
export function prefixRange(
  prefix: string,
  options: { limit?: number; reverse?: boolean } = {},
): KeyRange {
  const range: KeyRange = { gte: prefix };
  const end = prefixSuccessor(prefix);
  if (end !== undefined) range.lt = end;
  if (options.limit !== undefined) range.limit = options.limit;
  if (options.reverse !== undefined) range.reverse = options.reverse;
  return range;
}

/** Whether `key` lies inside the range's bounds (limit and reverse are ignored). */
export function inRange(key: string, range: KeyRange): boolean {
  if (range.gt !== undefined && compareKeys(key, range.gt) <= 0) return false;
  if (range.gte !== undefined && compareKeys(key, range.gte) < 0) return false;
  if (range.lt !== undefined && compareKeys(key, range.lt) >= 0) return false;
  if (range.lte !== undefined && compareKeys(key, range.lte) > 0) return false;
  return true;
}

const isWellFormedNative = (
  String.prototype as unknown as { isWellFormed: (this: string) => boolean }
).isWellFormed;

/** Whether `key` is a string LevelDB can store as UTF-8 unchanged (no lone surrogates). */
export function isValidKey(key: unknown): key is string {
  return typeof key === 'string' && isWellFormedNative.call(key);
}

/** Throws unless `range` is a well-formed KeyRange (bounds valid keys, at most one per side). */
export function assertRange(place: string, range: KeyRange): void {
  if (range === null || typeof range !== 'object') {
    throw new InvalidStateArgumentError(place, `range must be an object, got ${String(range)}`);
  }
  if (range.gt !== undefined && range.gte !== undefined) {
    throw new InvalidStateArgumentError(
      place,
      'range has both gt and gte; give at most one lower bound',
    );
  }
  if (range.lt !== undefined && range.lte !== undefined) {
    throw new InvalidStateArgumentError(
      place,
      'range has both lt and lte; give at most one upper bound',
    );
  }
  for (const bound of ['gt', 'gte', 'lt', 'lte'] as const) {
    const value = range[bound];
    if (value !== undefined && !isValidKey(value)) {
      throw new InvalidStateArgumentError(
        place,
        `range.${bound} must be a well-formed string key`,
        { bound },
      );
    }
  }
  const limit = range.limit;
  if (limit !== undefined && limit !== Infinity && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new InvalidStateArgumentError(
      place,
      `range.limit must be a non-negative integer, got ${String(limit)}`,
    );
  }
}
