export { KafkaStreams } from './kafka-streams.js';
export type {
  KafkaStreamsOptions,
  ProcessingGuarantee,
  RuntimeLogger,
  RuntimeState,
  TaskStatus,
} from './kafka-streams.js';
export { planTopics } from './internal-topics.js';
export type { TopicPlan } from './internal-topics.js';
