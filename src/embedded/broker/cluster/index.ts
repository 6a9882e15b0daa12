export { DEFAULT_TOPIC_CONFIGS, validateTopicConfig } from './topic-configs.js';
export { TopicRegistry, topicNameProblem } from './topic-registry.js';
export type { Topic, TopicListener, TopicOutcome } from './topic-registry.js';
