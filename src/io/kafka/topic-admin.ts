/**
 * Topic administration the runtime needs at start: create what is missing with the right
 * partition count and cleanup policy, and refuse to run on topics that exist with the wrong count.
 */
import type { Admin } from 'kafkajs';
import { IoError } from './errors.js';

export interface TopicRequirement {
  topic: string;
  partitions: number;
  /** Changelogs and rule tables are compacted; the rest keep everything for their retention. */
  compact?: boolean;
  replicationFactor?: number;
}

/** Partition counts of existing topics; topics that do not exist are absent from the map. */
export async function partitionCounts(
  admin: Admin,
  topics: readonly string[],
): Promise<Map<string, number>> {
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((topic) => existing.has(topic));
  const counts = new Map<string, number>();
  if (present.length === 0) return counts;
  const metadata = await admin.fetchTopicMetadata({ topics: present });
  for (const topic of metadata.topics) counts.set(topic.name, topic.partitions.length);
  return counts;
}

/** Creates the missing topics; throws TS_IO_TOPIC_PARTITIONS naming a topic whose count is wrong. */
export async function ensureTopics(
  admin: Admin,
  requirements: readonly TopicRequirement[],
): Promise<void> {
  const counts = await partitionCounts(
    admin,
    requirements.map((requirement) => requirement.topic),
  );
  for (const requirement of requirements) {
    const count = counts.get(requirement.topic);
    if (count !== undefined && count !== requirement.partitions) {
      throw new IoError(
        'TS_IO_TOPIC_PARTITIONS',
        `topic ${requirement.topic} has ${count} partitions but ${requirement.partitions} are required; ` +
          'delete it (internal topics are rebuilt) or give the inputs equal partition counts',
        { details: { topic: requirement.topic, actual: count, required: requirement.partitions } },
      );
    }
  }
  const missing = requirements.filter((requirement) => !counts.has(requirement.topic));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((requirement) => ({
      topic: requirement.topic,
      numPartitions: requirement.partitions,
      replicationFactor: requirement.replicationFactor ?? -1,
      configEntries: requirement.compact ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
    })),
  });
}

/** The log-end offset (high watermark) of every partition of a topic. */
export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((entry) => [entry.partition, Number(entry.high)]));
}
