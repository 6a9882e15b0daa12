/**
 * Wires campaign tracking into the touchstream topology, in the rule engine's sub-topology so
 * everything it reads is co-partitioned by customer:
 *
 *   customer events ─┐
 *   engine touches ──┴─> attribution ──> feedback topic (`converted`)
 *   engine touches ──┐
 *   feedback topic ──┴─> campaign stats
 *
 * Conversions go out on the feedback topic and come back in through it, so the statistics (and
 * the timeline) count them like any other feedback.
 */
import type { Serde } from '../../state/index.js';
import { jsonSerde, stringSerde } from '../../topology/index.js';
import type { KStream, StreamsBuilder } from '../../topology/index.js';
import { AttributionProcessor } from './attribution-processor.js';
import type { ConversionFeedback } from './attribution-processor.js';
import { assertTimeZone } from './calendar-buckets.js';
import {
  DEFAULT_STATS_RETENTION_MS,
  WINDOW_TTL_MARGIN_MS,
  indexConversions,
} from './campaign-options.js';
import type { CampaignTopologyOptions } from './campaign-options.js';
import { CampaignStatsProcessor } from './campaign-stats-processor.js';

export const CAMPAIGN_STORES = {
  attributionWindows: 'attribution-windows',
  campaignStats: 'campaign-stats',
} as const;

export const ATTRIBUTION_NODE = 'attribution';
export const CAMPAIGN_STATS_NODE = 'campaign-stats';

export interface CampaignStreams {
  events: KStream<unknown, unknown>;
  /** The engine's touches (a node of their own, feeding the touches sink too). */
  touches: KStream<unknown, unknown>;
  feedback: KStream<unknown, unknown>;
  feedbackTopic: string;
  /** How `converted` records are written to the feedback topic (default JSON). */
  conversionSerde?: Serde<unknown>;
}

export function addCampaignTracking(
  builder: StreamsBuilder,
  streams: CampaignStreams,
  options: CampaignTopologyOptions,
): void {
  const index = indexConversions(options.conversions);
  if (options.timeZone !== undefined) assertTimeZone(options.timeZone, 'tracking.timeZone');
  builder.addStore({
    name: CAMPAIGN_STORES.campaignStats,
    valueSerde: jsonSerde,
    ttl: { ms: options.statsRetentionMs ?? DEFAULT_STATS_RETENTION_MS, clock: 'stream' },
  });
  streams.touches.merge(streams.feedback, { name: 'campaign-touches-feedback' }).process(
    () =>
      new CampaignStatsProcessor({
        store: CAMPAIGN_STORES.campaignStats,
        timeZone: options.timeZone,
      }),
    [CAMPAIGN_STORES.campaignStats],
    { name: CAMPAIGN_STATS_NODE },
  );
  // Without a configured conversion there is nothing to attribute: no windows store, no node.
  if (index.byEvent.size === 0) return;
  builder.addStore({
    name: CAMPAIGN_STORES.attributionWindows,
    valueSerde: jsonSerde,
    ttl: { ms: index.longestWindowMs + WINDOW_TTL_MARGIN_MS, clock: 'stream' },
  });
  streams.events
    .merge(streams.touches, { name: 'attribution-events-touches' })
    .process(
      () =>
        new AttributionProcessor({
          store: CAMPAIGN_STORES.attributionWindows,
          conversions: options.conversions,
          maxOpenTouches: options.maxOpenTouches,
        }),
      [CAMPAIGN_STORES.attributionWindows],
      { name: ATTRIBUTION_NODE },
    )
    .to(streams.feedbackTopic, {
      name: 'conversions-out',
      keySerde: stringSerde,
      valueSerde: (streams.conversionSerde ?? jsonSerde) as Serde<ConversionFeedback>,
    });
}
