/**
 * Keys of the campaign statistics store, one per trigger, day, channel and arm:
 *
 *   <trigger, NUL escaped> NUL NUL <day YYYY-MM-DD> NUL <channel, NUL escaped> NUL NUL <arm>
 *
 * The trigger comes first so one campaign is one prefix, and the day second so a date range of a
 * campaign is one range scan. Rule ids may hold any character, NUL too: each NUL in an id is
 * written as NUL U+0001, so "NUL NUL" only ever ends it and no trigger's prefix is a prefix of
 * another trigger's keys.
 */
import type { CampaignArm } from './campaign-records.js';

const NUL = '\u0000';
const ESCAPED_NUL = '\u0000\u0001';
const END = '\u0000\u0000';
const DAY_LENGTH = 10;

function escape(text: string): string {
  return text.includes(NUL) ? text.replaceAll(NUL, ESCAPED_NUL) : text;
}

function unescape(text: string): string {
  return text.includes(ESCAPED_NUL) ? text.replaceAll(ESCAPED_NUL, NUL) : text;
}

export interface StatsKey {
  trigger: string;
  day: string;
  channel: string;
  arm: CampaignArm;
}

/** Every key of one trigger starts with this. */
export function statsPrefix(trigger: string): string {
  return escape(trigger) + END;
}

export function statsKey(key: StatsKey): string {
  return `${statsPrefix(key.trigger)}${key.day}${NUL}${escape(key.channel)}${END}${key.arm}`;
}

/** The bounds of one trigger's keys from day `from` to day `to`, both included. */
export function statsRange(
  trigger: string,
  from: string | undefined,
  to: string | undefined,
): { gte: string; lt: string } {
  const prefix = statsPrefix(trigger);
  // After a day comes NUL: every key of day `to` sorts below `to` followed by U+0001.
  return {
    gte: prefix + (from ?? ''),
    lt: to === undefined ? `${escape(trigger)}${NUL}\u0001` : `${prefix}${to}\u0001`,
  };
}

/** The parts of a key this module wrote, or undefined for anything else. */
export function parseStatsKey(key: string): StatsKey | undefined {
  // The trigger ends at the first NUL NUL: escaped NULs inside it are NUL U+0001.
  const end = key.indexOf(END);
  if (end < 0) return undefined;
  const trigger = unescape(key.slice(0, end));
  const rest = key.slice(end + 2);
  const day = rest.slice(0, DAY_LENGTH);
  if (rest[DAY_LENGTH] !== NUL) return undefined;
  const tail = rest.slice(DAY_LENGTH + 1);
  const armAt = tail.lastIndexOf(END);
  if (armAt < 0) return undefined;
  const arm = tail.slice(armAt + 2);
  if (arm !== 'touched' && arm !== 'held_out') return undefined;
  return { trigger, day, channel: unescape(tail.slice(0, armAt)), arm };
}
