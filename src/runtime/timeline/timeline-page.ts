/**
 * Reads one page of a customer's timeline, newest first. A page ends at a position (the key
 * without its customer prefix); the next page starts right after it, so entries written meanwhile
 * never shift a page the way an offset would.
 */
import { prefixSuccessor } from '../../state/index.js';
import type { ReadableStore } from '../store-queries.js';
import type { TimelineEntry } from './timeline-entry.js';
import { timelinePrefix } from './timeline-keys.js';

export interface TimelinePage {
  entries: TimelineEntry[];
  /** Where the next page starts, or undefined when this one reached the end. */
  next: string | undefined;
}

/** `after` must be a position a previous page returned; see `isTimelinePosition`. */
export async function readTimelinePage(
  store: ReadableStore<TimelineEntry>,
  customerId: string,
  options: { after?: string; limit: number },
): Promise<TimelinePage> {
  const prefix = timelinePrefix(customerId);
  const end = prefixSuccessor(prefix);
  const entries: TimelineEntry[] = [];
  let last: string | undefined;
  // One more than asked tells whether a next page exists without a second scan.
  const range = {
    ...(options.after === undefined ? { gte: prefix } : { gt: prefix + options.after }),
    ...(end === undefined ? {} : { lt: end }),
    limit: options.limit + 1,
  };
  for await (const { key, value } of store.range(range)) {
    if (entries.length === options.limit) return { entries, next: last };
    entries.push(value);
    last = key.slice(prefix.length);
  }
  return { entries, next: undefined };
}
