/**
 * How many of this instance's customers a segment rule would hold now, without publishing it:
 * the rule's compiled condition tested on every stored customer state, at the instant the engine
 * has brought that customer to (its task's stream time, or later if a wall-clock wake moved it
 * on). Segments the condition references are read from the customer's current memberships, as
 * the engine's own evaluation does.
 */
import { compileCondition } from '../rules/index.js';
import type { CustomerState, SegmentRule } from '../rules/index.js';
import { errorMessage } from '../errors/index.js';
import type { LocalStore } from './store-queries.js';

export interface SampledCustomer {
  customerId: string;
  attributes: Record<string, unknown>;
}

export interface LocalSegmentPreview {
  count: number;
  /** The members with the smallest ids, at most the sample size. */
  sample: SampledCustomer[];
  /** Partitions fully evaluated; a partition whose task closed during the scan is left out. */
  partitions: number[];
  /** Why partitions were left out, if any were. */
  skipped: { partition: number; reason: string }[];
}

/** Customers read per store scan: short scans keep the task's processing flowing between them. */
const CHUNK = 1_000;

export async function previewSegmentLocally(
  stores: readonly LocalStore<CustomerState>[],
  rule: SegmentRule,
  sampleSize: number,
): Promise<LocalSegmentPreview> {
  const { test } = compileCondition(rule.when);
  const preview: LocalSegmentPreview = { count: 0, sample: [], partitions: [], skipped: [] };
  for (const local of stores) {
    let count = 0;
    const sample: SampledCustomer[] = [];
    try {
      let after: string | undefined;
      for (;;) {
        const range = after === undefined ? { limit: CHUNK } : { gt: after, limit: CHUNK };
        let seen = 0;
        const streamTime = local.streamTime();
        for await (const { key, value: state } of local.store.range(range)) {
          seen += 1;
          after = key;
          if (!test(state, Math.max(streamTime, state.evaluatedAt))) continue;
          count += 1;
          // Keys come in order, so the first members of a partition are its smallest ids.
          if (sample.length < sampleSize)
            sample.push({
              customerId: state.customerId,
              attributes: Object.fromEntries(state.attrsView),
            });
        }
        if (seen < CHUNK) break;
      }
    } catch (error) {
      preview.skipped.push({ partition: local.partition, reason: errorMessage(error) });
      continue;
    }
    preview.count += count;
    preview.sample.push(...sample);
    preview.partitions.push(local.partition);
  }
  preview.sample = smallestIds(preview.sample, sampleSize);
  return preview;
}

/** The `size` customers with the smallest ids: the same sample whichever instance merges. */
export function smallestIds<T extends { customerId: string }>(customers: T[], size: number): T[] {
  return customers
    .sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0))
    .slice(0, size);
}
