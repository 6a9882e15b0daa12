/**
 * Keys of the timeline store. One customer's entries share a prefix and sort newest first, so a
 * page is one forward prefix scan and the oldest entries are at the end of it:
 *
 *   <customerId, NUL escaped> NUL NUL <inverted time: 16 digits> <kind rank: 1 digit> <identity>
 *
 * - The customer id may hold any character, NUL too: each NUL in it is written as NUL U+0001, so
 *   "NUL NUL" only ever ends the id and no customer's prefix is a prefix of another's keys.
 * - Inverted time is MAX_SAFE_INTEGER - at, zero-padded: larger `at`, smaller key.
 * - At one instant, feedback sorts before the touch, the touch before the transition and the
 *   transition before the event: the reverse of the order in which one causes the next.
 * - The identity (event id, segment and change, trigger, command id and status) makes a key the
 *   same when the same record is written again, so reprocessing overwrites instead of duplicating.
 */
export type TimelineKind = 'event' | 'transition' | 'touch' | 'feedback';

const RANK: Readonly<Record<TimelineKind, string>> = {
  feedback: '0',
  touch: '1',
  transition: '2',
  event: '3',
};

const NUL = '\u0000';
const ESCAPED_NUL = '\u0000\u0001';
const END_OF_ID = '\u0000\u0000';
const TIME_DIGITS = 16;
/** Everything after the customer prefix: time, rank, then the identity. */
const POSITION = /^\d{16}[0-3]/;

function escapeId(customerId: string): string {
  return customerId.includes(NUL) ? customerId.replaceAll(NUL, ESCAPED_NUL) : customerId;
}

/** The prefix every timeline key of one customer starts with. */
export function timelinePrefix(customerId: string): string {
  return escapeId(customerId) + END_OF_ID;
}

function invertedTime(at: number): string {
  const clamped = at > 0 ? Math.min(Math.floor(at), Number.MAX_SAFE_INTEGER) : 0;
  return String(Number.MAX_SAFE_INTEGER - clamped).padStart(TIME_DIGITS, '0');
}

export function timelineKey(
  customerId: string,
  at: number,
  kind: TimelineKind,
  identity: string,
): string {
  return timelinePrefix(customerId) + invertedTime(at) + RANK[kind] + identity;
}

/** Whether `position` (a key with its customer prefix cut off) could be one this module wrote. */
export function isTimelinePosition(position: string): boolean {
  return POSITION.test(position);
}
