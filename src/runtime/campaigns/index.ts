export {
  ATTRIBUTION_NODE,
  CAMPAIGN_STATS_NODE,
  CAMPAIGN_STORES,
  addCampaignTracking,
} from './campaign-topology.js';
export type { CampaignStreams } from './campaign-topology.js';
export { AttributionProcessor } from './attribution-processor.js';
export type { AttributionProcessorOptions, ConversionFeedback } from './attribution-processor.js';
export { CampaignStatsProcessor } from './campaign-stats-processor.js';
export type { CampaignStatsProcessorOptions } from './campaign-stats-processor.js';
export {
  DEFAULT_MAX_OPEN_TOUCHES,
  DEFAULT_STATS_RETENTION_MS,
  WINDOW_TTL_MARGIN_MS,
  indexConversions,
} from './campaign-options.js';
export type { CampaignTopologyOptions, ConversionSpec } from './campaign-options.js';
export {
  DEFAULT_CAMPAIGN_TIME_ZONE,
  ZonedCalendar,
  addDays,
  assertTimeZone,
  bucketOf,
  bucketSpan,
  isCalendarDay,
  weekStart,
} from './calendar-buckets.js';
export type { CampaignBucket } from './calendar-buckets.js';
export { commandInstant } from './campaign-records.js';
export type { CampaignArm } from './campaign-records.js';
export { COUNTED_STATUSES, INVALID_SUPPRESSION, emptyCounters } from './campaign-counters.js';
export type { CampaignCounters } from './campaign-counters.js';
export { parseStatsKey, statsKey } from './stats-keys.js';
export type { StatsKey } from './stats-keys.js';
export { mergeCampaignRows, readCampaignPartials } from './campaign-query.js';
export type {
  CampaignGrouping,
  CampaignPartials,
  CampaignQuery,
  CampaignRow,
} from './campaign-query.js';
export { campaignReport, campaignSummaries } from './campaign-report.js';
export type {
  ArmReport,
  BucketReport,
  CampaignReport,
  CampaignSummary,
  ChannelReport,
  Uplift,
} from './campaign-report.js';
