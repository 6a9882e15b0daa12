import type { SegmentTallyJson } from './segment-tally.js';

/**
 * Adds up one segment's tallies from several tasks (or instances, which send their own sums).
 * Size series only hold buckets where a part changed, so each part's last size is carried
 * forward across the buckets where only the others changed.
 */
export function mergeTallies(
  segment: string,
  parts: readonly SegmentTallyJson[],
): SegmentTallyJson {
  const dimensions = new Map<string, Map<string, number>>();
  let size = 0;
  for (const part of parts) {
    size += part.size;
    for (const [dimension, values] of Object.entries(part.dimensions)) {
      let merged = dimensions.get(dimension);
      if (merged === undefined) {
        merged = new Map();
        dimensions.set(dimension, merged);
      }
      for (const [value, members] of values) merged.set(value, (merged.get(value) ?? 0) + members);
    }
  }
  const sortedDimensions: Record<string, [string, number][]> = {};
  for (const [dimension, values] of [...dimensions].sort((a, b) => compare(a[0], b[0]))) {
    sortedDimensions[dimension] = [...values]
      .filter(([, members]) => members !== 0)
      .sort((a, b) => b[1] - a[1] || compare(a[0], b[0]));
  }
  return {
    segment,
    size,
    dimensions: sortedDimensions,
    hourly: mergeSeries(parts.map((part) => part.hourly)),
    daily: mergeSeries(parts.map((part) => part.daily)),
  };
}

function mergeSeries(series: readonly (readonly [number, number][])[]): [number, number][] {
  const sorted = series.map((one) => [...one].sort((a, b) => a[0] - b[0]));
  const buckets = [...new Set(sorted.flatMap((one) => one.map(([bucket]) => bucket)))].sort(
    (a, b) => a - b,
  );
  const positions = sorted.map(() => 0);
  const last = sorted.map(() => 0);
  const merged: [number, number][] = [];
  for (const bucket of buckets) {
    let total = 0;
    for (let i = 0; i < sorted.length; i++) {
      const one = sorted[i];
      while (positions[i] < one.length && one[positions[i]][0] <= bucket) {
        last[i] = one[positions[i]][1];
        positions[i] += 1;
      }
      total += last[i];
    }
    merged.push([bucket, total]);
  }
  return merged;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
