/**
 * The read side of campaign statistics: partial aggregates read from this instance's task stores,
 * grouped into the buckets a question asks for, and merged across tasks and instances. Partials
 * are sums, so merging is addition; what one answer covers is the list of partitions it read, and
 * the asker checks that every partition was counted exactly once.
 */
import { errorMessage } from '../../errors/index.js';
import type { KeyRange } from '../../state/index.js';
import type { LocalStore } from '../store-queries.js';
import { bucketOf } from './calendar-buckets.js';
import type { CampaignBucket } from './calendar-buckets.js';
import { addCounters, countersOf, emptyCounters } from './campaign-counters.js';
import type { CampaignCounters } from './campaign-counters.js';
import type { CampaignArm } from './campaign-records.js';
import { parseStatsKey, statsRange } from './stats-keys.js';

/** `all`: one bucket over the whole range (campaign totals). */
export type CampaignGrouping = CampaignBucket | 'all';

export interface CampaignQuery {
  /** One campaign, or every one when absent. */
  trigger?: string;
  /** First and last calendar day (`YYYY-MM-DD` in the statistics' zone), both included. */
  from?: string;
  to?: string;
  grouping: CampaignGrouping;
}

export interface CampaignRow {
  trigger: string;
  /** The bucket's name (see bucketOf), or `all`. */
  bucket: string;
  channel: string;
  arm: CampaignArm;
  counters: CampaignCounters;
}

export interface CampaignPartials {
  /** Partitions fully read; a partition whose task closed during the read is left out. */
  partitions: number[];
  skipped: { partition: number; reason: string }[];
  rows: CampaignRow[];
}

/** Entries read per scan: short scans let the task's processing run between them. */
const CHUNK = 1_000;

function rowKey(row: Omit<CampaignRow, 'counters'>): string {
  return JSON.stringify([row.trigger, row.bucket, row.channel, row.arm]);
}

/** Adds rows with the same trigger, bucket, channel and arm; the result is sorted by them. */
export function mergeCampaignRows(...lists: readonly (readonly CampaignRow[])[]): CampaignRow[] {
  const merged = new Map<string, CampaignRow>();
  for (const rows of lists) {
    for (const row of rows) {
      const key = rowKey(row);
      const known = merged.get(key);
      if (known === undefined)
        merged.set(key, { ...row, counters: addCounters(emptyCounters(), row.counters) });
      else addCounters(known.counters, row.counters);
    }
  }
  return [...merged.keys()].sort().map((key) => merged.get(key)!);
}

async function readStore(
  local: LocalStore<CampaignCounters>,
  query: CampaignQuery,
  into: Map<string, CampaignRow>,
): Promise<void> {
  const bounds =
    query.trigger === undefined ? undefined : statsRange(query.trigger, query.from, query.to);
  let after: string | undefined;
  for (;;) {
    const range: KeyRange = { limit: CHUNK };
    if (after !== undefined) range.gt = after;
    else if (bounds !== undefined) range.gte = bounds.gte;
    if (bounds !== undefined) range.lt = bounds.lt;
    let seen = 0;
    for await (const { key, value } of local.store.range(range)) {
      seen += 1;
      after = key;
      const parsed = parseStatsKey(key);
      if (parsed === undefined) continue;
      if (query.trigger !== undefined && parsed.trigger !== query.trigger) continue;
      if (query.from !== undefined && parsed.day < query.from) continue;
      if (query.to !== undefined && parsed.day > query.to) continue;
      const row = {
        trigger: parsed.trigger,
        bucket: query.grouping === 'all' ? 'all' : bucketOf(parsed.day, query.grouping),
        channel: parsed.channel,
        arm: parsed.arm,
      };
      const id = rowKey(row);
      const known = into.get(id);
      if (known === undefined) into.set(id, { ...row, counters: countersOf(value) });
      else addCounters(known.counters, countersOf(value));
    }
    if (seen < CHUNK) return;
  }
}

/** This instance's share of an answer: its own tasks' statistics, merged and grouped. */
export async function readCampaignPartials(
  stores: readonly LocalStore<CampaignCounters>[],
  query: CampaignQuery,
): Promise<CampaignPartials> {
  const partials: CampaignPartials = { partitions: [], skipped: [], rows: [] };
  const lists: CampaignRow[][] = [];
  for (const local of stores) {
    const rows = new Map<string, CampaignRow>();
    try {
      await readStore(local, query, rows);
    } catch (error) {
      partials.skipped.push({ partition: local.partition, reason: errorMessage(error) });
      continue;
    }
    lists.push([...rows.values()]);
    partials.partitions.push(local.partition);
  }
  partials.rows = mergeCampaignRows(...lists);
  return partials;
}
