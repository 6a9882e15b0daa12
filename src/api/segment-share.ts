/**
 * One instance's share of segment insight: the tallies the rule engine keeps in each of its tasks
 * (store `segment-stats`), added up per segment. Instances exchange these and the one a client
 * asked adds them up again (tallies merge associatively).
 */
import { mergeTallies } from '../rules/index.js';
import type { SegmentTally, SegmentTallyJson } from '../rules/index.js';
import { STORES } from '../runtime/index.js';
import type { StoreQueries } from '../runtime/index.js';
import type { PartitionShare } from './instance-fanout.js';

export const INTERNAL_SEGMENTS_PATH = '/internal/segments';

export interface SegmentShare extends PartitionShare {
  tallies: SegmentTallyJson[];
}

export interface SegmentShareQuery {
  /** Only this segment's tally. */
  segment?: string;
  /** Sizes only: no distributions or history (for the segment list). */
  sizesOnly?: boolean;
}

export async function localSegmentShare(
  queries: StoreQueries,
  query: SegmentShareQuery,
): Promise<SegmentShare> {
  const parts = new Map<string, SegmentTallyJson[]>();
  const partitions: number[] = [];
  for (const local of queries.localStores<SegmentTally>(STORES.segmentStats)) {
    partitions.push(local.partition);
    const entries =
      query.segment === undefined
        ? local.store.range()
        : single(local.store.get(query.segment), query.segment);
    for await (const { key, value } of entries) {
      const json = query.sizesOnly
        ? { segment: key, size: value.size, dimensions: {}, hourly: [], daily: [] }
        : value.toJSON();
      parts.set(key, [...(parts.get(key) ?? []), json]);
    }
  }
  return {
    partitions,
    tallies: [...parts].map(([segment, list]) => mergeTallies(segment, list)),
  };
}

async function* single(
  value: SegmentTally | undefined,
  key: string,
): AsyncIterableIterator<{ key: string; value: SegmentTally }> {
  if (value !== undefined) yield { key, value };
}

/** Adds up the shares of every instance, per segment. */
export function mergeShares(shares: readonly SegmentShare[]): Map<string, SegmentTallyJson> {
  const bySegment = new Map<string, SegmentTallyJson[]>();
  for (const share of shares) {
    for (const tally of share.tallies)
      bySegment.set(tally.segment, [...(bySegment.get(tally.segment) ?? []), tally]);
  }
  return new Map([...bySegment].map(([segment, list]) => [segment, mergeTallies(segment, list)]));
}
