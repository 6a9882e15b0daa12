import type { Serde } from '../../state/index.js';
import {
  PRODUCT_DIMENSION,
  SINGLE_DIMENSIONS,
  type CustomerDimensions,
} from './customer-dimensions.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HOURLY_BUCKETS = 7 * 24;
const DAILY_BUCKETS = 400;

/** The persisted form of one segment's tally (also what instances exchange and merge). */
export interface SegmentTallyJson {
  segment: string;
  size: number;
  /** dimension -> [value, members][] */
  dimensions: Record<string, [string, number][]>;
  /** [bucket start (epoch ms), size at the end of the bucket][], ascending, only buckets with changes. */
  hourly: [number, number][];
  daily: [number, number][];
}

/**
 * One segment's live size and its members' distribution over the insight dimensions, kept by the
 * rule engine as customers enter, leave or change (no scan at query time), plus its size over
 * time in hourly (last 7 days) and daily (last 400 days) buckets of the configured UTC offset.
 */
export class SegmentTally {
  size = 0;
  readonly dimensions = new Map<string, Map<string, number>>();
  readonly hourly = new Map<number, number>();
  readonly daily = new Map<number, number>();

  constructor(
    readonly segment: string,
    private readonly utcOffsetMs: number,
  ) {}

  enter(dims: CustomerDimensions, at: number): void {
    this.size += 1;
    this.count(dims, 1);
    this.recordSize(at);
  }

  exit(dims: CustomerDimensions, at: number): void {
    this.size -= 1;
    this.count(dims, -1);
    this.recordSize(at);
  }

  /** A member's attributes changed: it moves between values, the size stays. */
  move(before: CustomerDimensions, after: CustomerDimensions): void {
    this.count(before, -1);
    this.count(after, 1);
  }

  toJSON(): SegmentTallyJson {
    const dimensions: Record<string, [string, number][]> = {};
    for (const [dimension, values] of this.dimensions) dimensions[dimension] = [...values];
    return {
      segment: this.segment,
      size: this.size,
      dimensions,
      hourly: [...this.hourly],
      daily: [...this.daily],
    };
  }

  static fromJSON(json: SegmentTallyJson, utcOffsetMs: number): SegmentTally {
    const tally = new SegmentTally(json.segment, utcOffsetMs);
    tally.size = json.size;
    for (const [dimension, values] of Object.entries(json.dimensions))
      tally.dimensions.set(dimension, new Map(values));
    for (const [bucket, size] of json.hourly) tally.hourly.set(bucket, size);
    for (const [bucket, size] of json.daily) tally.daily.set(bucket, size);
    return tally;
  }

  private count(dims: CustomerDimensions, delta: number): void {
    for (let i = 0; i < SINGLE_DIMENSIONS.length; i++)
      this.bump(SINGLE_DIMENSIONS[i], dims.values[i], delta);
    for (const product of dims.products) this.bump(PRODUCT_DIMENSION, product, delta);
  }

  private bump(dimension: string, value: string, delta: number): void {
    let values = this.dimensions.get(dimension);
    if (values === undefined) {
      values = new Map();
      this.dimensions.set(dimension, values);
    }
    const next = (values.get(value) ?? 0) + delta;
    if (next === 0) values.delete(value);
    else values.set(value, next);
  }

  private recordSize(at: number): void {
    if (!Number.isFinite(at)) return;
    record(this.hourly, bucketStart(at, HOUR, this.utcOffsetMs), this.size, HOURLY_BUCKETS);
    record(this.daily, bucketStart(at, DAY, this.utcOffsetMs), this.size, DAILY_BUCKETS);
  }
}

export function bucketStart(at: number, width: number, utcOffsetMs: number): number {
  return Math.floor((at + utcOffsetMs) / width) * width - utcOffsetMs;
}

function record(series: Map<number, number>, bucket: number, size: number, limit: number): void {
  // Buckets arrive in time order except for late records, which update the bucket they fall in.
  series.set(bucket, size);
  if (series.size > limit) {
    const oldest = Math.min(...series.keys());
    series.delete(oldest);
  }
}

/** The store's serde: JSON of the persisted form. */
export function segmentTallySerde(utcOffsetMs: number): Serde<SegmentTally> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    serialize: (tally) => encoder.encode(JSON.stringify(tally.toJSON())),
    deserialize: (bytes) =>
      SegmentTally.fromJSON(JSON.parse(decoder.decode(bytes)) as SegmentTallyJson, utcOffsetMs),
  };
}
