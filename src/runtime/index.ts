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
} from './touchstream-topology.js';
export type { TouchstreamTopics, TouchstreamTopologyOptions } from './touchstream-topology.js';
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
