import { PartitionLog } from '../log/index.js';
import { ErrorCode } from '../protocol/index.js';
import { validateTopicConfig } from './topic-configs.js';

export interface Topic {
  name: string;
  partitions: PartitionLog[];
  /** Configs set at create time (overrides of DEFAULT_TOPIC_CONFIGS). */
  configs: Map<string, string>;
}

export interface TopicOutcome {
  errorCode: number;
  errorMessage: string | null;
}

const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/;
const MAX_NAME_LENGTH = 249;

export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return `topic name "${name}" is reserved`;
  if (name.length > MAX_NAME_LENGTH)
    return `topic name is ${name.length} characters, more than ${MAX_NAME_LENGTH}`;
  if (!LEGAL_NAME.test(name)) return `topic name "${name}" has characters outside [a-zA-Z0-9._-]`;
  return null;
}

export interface TopicListener {
  topicCreated(topic: Topic): void;
  partitionCreated(log: PartitionLog): void;
  topicDeleted(name: string): void;
}

/** The broker's topics: creation (explicit or automatic), growth and deletion. */
export class TopicRegistry {
  readonly topics = new Map<string, Topic>();
  listener: TopicListener | null = null;

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  partition(name: string, partition: number): PartitionLog | undefined {
    return this.topics.get(name)?.partitions[partition];
  }

  create(
    name: string,
    partitions: number,
    replicationFactor: number,
    configs: ReadonlyMap<string, string>,
    validateOnly = false,
  ): TopicOutcome {
    const nameProblem = topicNameProblem(name);
    if (nameProblem !== null)
      return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: nameProblem };
    if (this.topics.has(name)) {
      return {
        errorCode: ErrorCode.TOPIC_ALREADY_EXISTS,
        errorMessage: `topic "${name}" already exists`,
      };
    }
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 100_000) {
      return {
        errorCode: ErrorCode.INVALID_PARTITIONS,
        errorMessage: `topic "${name}": ${partitions} partitions; use 1 or more`,
      };
    }
    if (replicationFactor !== 1 && replicationFactor !== -1) {
      return {
        errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
        errorMessage: `topic "${name}": replication factor ${replicationFactor}, but the embedded broker is a single node; use 1`,
      };
    }
    for (const [key, value] of configs) {
      const problem = validateTopicConfig(key, value);
      if (problem !== null)
        return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: `topic "${name}": ${problem}` };
    }
    if (validateOnly) return { errorCode: ErrorCode.NONE, errorMessage: null };
    const topic: Topic = { name, partitions: [], configs: new Map(configs) };
    for (let p = 0; p < partitions; p++) topic.partitions.push(new PartitionLog(name, p));
    this.topics.set(name, topic);
    this.listener?.topicCreated(topic);
    for (const log of topic.partitions) this.listener?.partitionCreated(log);
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  grow(name: string, count: number, validateOnly: boolean): TopicOutcome {
    const topic = this.topics.get(name);
    if (topic === undefined)
      return {
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        errorMessage: `topic "${name}" does not exist`,
      };
    if (!Number.isInteger(count) || count <= topic.partitions.length) {
      return {
        errorCode: ErrorCode.INVALID_PARTITIONS,
        errorMessage: `topic "${name}" has ${topic.partitions.length} partitions; a new count must be larger, got ${count}`,
      };
    }
    if (validateOnly) return { errorCode: ErrorCode.NONE, errorMessage: null };
    for (let p = topic.partitions.length; p < count; p++) {
      const log = new PartitionLog(name, p);
      topic.partitions.push(log);
      this.listener?.partitionCreated(log);
    }
    this.listener?.topicCreated(topic);
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  delete(name: string): number {
    if (!this.topics.delete(name)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    this.listener?.topicDeleted(name);
    return ErrorCode.NONE;
  }
}
