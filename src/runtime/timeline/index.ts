export { DEFAULT_TIMELINE_MAX_ENTRIES, TimelineProcessor } from './timeline-processor.js';
export type { TimelineProcessorOptions } from './timeline-processor.js';
export { timelineEntryOf } from './timeline-entry.js';
export type { KeyedTimelineEntry, TimelineEntry } from './timeline-entry.js';
export { isTimelinePosition, timelineKey, timelinePrefix } from './timeline-keys.js';
export type { TimelineKind } from './timeline-keys.js';
export { readTimelinePage } from './timeline-page.js';
export type { TimelinePage } from './timeline-page.js';
export { deliveryFeedbackSerde } from './feedback-serde.js';
