/**
 * Campaign answers built from merged rows: per channel, the touched and the held-out arm side by
 * side with their conversion rates, and the uplift of touching over holding out. A rate is
 * converted / commands of its own arm; it is null while the arm has no commands, and so is an
 * uplift that needs it.
 */
import { bucketSpan } from './calendar-buckets.js';
import type { CampaignBucket } from './calendar-buckets.js';
import { addCounters, emptyCounters, totalSuppressed } from './campaign-counters.js';
import type { CampaignCounters } from './campaign-counters.js';
import type { CampaignRow } from './campaign-query.js';

export interface ArmReport extends CampaignCounters {
  suppressedTotal: number;
  /** converted / commands, or null without commands. */
  conversionRate: number | null;
}

export interface Uplift {
  /** Touched rate minus held-out rate. */
  absolute: number | null;
  /** The absolute uplift over the held-out rate (null when that rate is 0 or unknown). */
  relative: number | null;
}

export interface ChannelReport {
  channel: string;
  touched: ArmReport;
  heldOut: ArmReport;
  uplift: Uplift;
}

export interface BucketReport {
  /** The bucket's name: its day, its week's Monday, or `YYYY-MM`. */
  bucket: string;
  /** First and last day of the bucket (the query's range may cover only part of it). */
  start: string;
  end: string;
  channels: ChannelReport[];
}

export interface CampaignReport {
  trigger: string;
  timeZone: string;
  bucket: CampaignBucket;
  from: string | null;
  to: string | null;
  /** Over the whole range, per channel. */
  totals: ChannelReport[];
  buckets: BucketReport[];
}

export interface CampaignSummary {
  trigger: string;
  channels: string[];
  /** Every channel together. */
  touched: ArmReport;
  heldOut: ArmReport;
  uplift: Uplift;
}

function armReport(counters: CampaignCounters): ArmReport {
  return {
    ...counters,
    suppressedTotal: totalSuppressed(counters),
    conversionRate: counters.commands > 0 ? counters.converted / counters.commands : null,
  };
}

function upliftOf(touched: ArmReport, heldOut: ArmReport): Uplift {
  const touchedRate = touched.conversionRate;
  const heldOutRate = heldOut.conversionRate;
  if (touchedRate === null || heldOutRate === null) return { absolute: null, relative: null };
  const absolute = touchedRate - heldOutRate;
  return { absolute, relative: heldOutRate === 0 ? null : absolute / heldOutRate };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Both arms of each channel among `rows`, channels in name order. */
function channelReports(rows: readonly CampaignRow[]): ChannelReport[] {
  const byChannel = new Map<string, { touched: CampaignCounters; heldOut: CampaignCounters }>();
  for (const row of rows) {
    let arms = byChannel.get(row.channel);
    if (arms === undefined) {
      arms = { touched: emptyCounters(), heldOut: emptyCounters() };
      byChannel.set(row.channel, arms);
    }
    addCounters(row.arm === 'held_out' ? arms.heldOut : arms.touched, row.counters);
  }
  return [...byChannel.keys()].sort(compare).map((channel) => {
    const arms = byChannel.get(channel)!;
    const touched = armReport(arms.touched);
    const heldOut = armReport(arms.heldOut);
    return { channel, touched, heldOut, uplift: upliftOf(touched, heldOut) };
  });
}

/** One campaign over a range: totals and buckets. `rows` are grouped by `bucket` already. */
export function campaignReport(
  rows: readonly CampaignRow[],
  query: { trigger: string; bucket: CampaignBucket; from?: string; to?: string; timeZone: string },
): CampaignReport {
  const own = rows.filter((row) => row.trigger === query.trigger);
  const byBucket = new Map<string, CampaignRow[]>();
  for (const row of own) {
    const list = byBucket.get(row.bucket) ?? [];
    list.push(row);
    byBucket.set(row.bucket, list);
  }
  return {
    trigger: query.trigger,
    timeZone: query.timeZone,
    bucket: query.bucket,
    from: query.from ?? null,
    to: query.to ?? null,
    totals: channelReports(own),
    buckets: [...byBucket.keys()].sort(compare).map((bucket) => ({
      bucket,
      ...bucketSpan(bucket, query.bucket),
      channels: channelReports(byBucket.get(bucket)!),
    })),
  };
}

/** Every campaign among `rows` with its totals over all channels, triggers in name order. */
export function campaignSummaries(rows: readonly CampaignRow[]): CampaignSummary[] {
  const byTrigger = new Map<
    string,
    { channels: Set<string>; touched: CampaignCounters; heldOut: CampaignCounters }
  >();
  for (const row of rows) {
    let entry = byTrigger.get(row.trigger);
    if (entry === undefined) {
      entry = { channels: new Set(), touched: emptyCounters(), heldOut: emptyCounters() };
      byTrigger.set(row.trigger, entry);
    }
    entry.channels.add(row.channel);
    addCounters(row.arm === 'held_out' ? entry.heldOut : entry.touched, row.counters);
  }
  return [...byTrigger.keys()].sort(compare).map((trigger) => {
    const entry = byTrigger.get(trigger)!;
    const touched = armReport(entry.touched);
    const heldOut = armReport(entry.heldOut);
    return {
      trigger,
      channels: [...entry.channels].sort(compare),
      touched,
      heldOut,
      uplift: upliftOf(touched, heldOut),
    };
  });
}
