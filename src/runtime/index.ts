export { TopologyTestDriver, TestInputTopic, TestOutputTopic } from './topology-test-driver.js';
export type { TestRecord, TopologyTestDriverOptions } from './topology-test-driver.js';
export { InMemoryCluster, InMemoryTopic } from './in-memory-cluster.js';
export type { StoredRecord } from './in-memory-cluster.js';
export { StreamTask, formatTaskId } from './stream-task.js';
export type { TaskCounters, TaskId, TaskStores, TaskTimeQueue } from './stream-task.js';
export { TaskHost, changelogTopic } from './task-host.js';
export type { ChangelogReader, RestoreProgress } from './task-host.js';
export type { ConsumedRecord, DeadLetter, ProducedRecord, RecordCollector } from './records.js';
export { murmur2, partitionForKey } from './murmur2.js';
export { RuntimeError } from './errors.js';
export { openTaskState, bytesSerde } from './task-state.js';
export { TIMER_STORE } from './task-state-port.js';
export type { TaskStateHandle, TaskStateOpener } from './task-state-port.js';
export { replay, sortTouches, sortTransitions, touchLine, transitionLine } from './replay.js';
export type { DeadLetterLine, ReplayOptions, ReplayResult } from './replay.js';
export {
  buildTouchstreamTopology,
  DEFAULT_TOPICS,
  RULE_ENGINE_NODE,
  STORES,
  TIMELINE_NODE,
} from './touchstream-topology.js';
export type {
  TimelineTopologyOptions,
  TouchstreamTopics,
  TouchstreamTopologyOptions,
} from './touchstream-topology.js';
export { partitionOfKey, subTopologyOfStore } from './store-queries.js';
export type {
  LocalStore,
  ReadableStore,
  StoreQueries,
  StoreQueryResult,
  UnavailableReason,
} from './store-queries.js';
export {
  DEFAULT_TIMELINE_MAX_ENTRIES,
  TimelineProcessor,
  deliveryFeedbackSerde,
  isTimelinePosition,
  readTimelinePage,
  timelineEntryOf,
  timelineKey,
  timelinePrefix,
} from './timeline/index.js';
export type {
  KeyedTimelineEntry,
  TimelineEntry,
  TimelineKind,
  TimelinePage,
  TimelineProcessorOptions,
} from './timeline/index.js';
export { previewSegmentLocally, smallestIds } from './segment-preview.js';
export type { LocalSegmentPreview, SampledCustomer } from './segment-preview.js';
export { processBatch } from './process-batch.js';
export { KafkaStreams, planTopics } from './kafka/index.js';
export type {
  KafkaStreamsOptions,
  ProcessingGuarantee,
  RuntimeLogger,
  RuntimeState,
  TaskStatus,
  TopicPlan,
} from './kafka/index.js';
export {
  ATTRIBUTION_NODE,
  AttributionProcessor,
  CAMPAIGN_STATS_NODE,
  CAMPAIGN_STORES,
  CampaignStatsProcessor,
  DEFAULT_CAMPAIGN_TIME_ZONE,
  DEFAULT_MAX_OPEN_TOUCHES,
  DEFAULT_STATS_RETENTION_MS,
  ZonedCalendar,
  addDays,
  assertTimeZone,
  bucketOf,
  bucketSpan,
  campaignReport,
  campaignSummaries,
  commandInstant,
  isCalendarDay,
  mergeCampaignRows,
  readCampaignPartials,
  weekStart,
} from './campaigns/index.js';
export type {
  ArmReport,
  BucketReport,
  CampaignArm,
  CampaignBucket,
  CampaignCounters,
  CampaignGrouping,
  CampaignPartials,
  CampaignQuery,
  CampaignReport,
  CampaignRow,
  CampaignSummary,
  CampaignTopologyOptions,
  ChannelReport,
  ConversionFeedback,
  ConversionSpec,
  Uplift,
} from './campaigns/index.js';
