/**
 * Works out, from the topology and the partition counts of its inputs, every topic the runtime
 * needs and how many partitions each must have; and refuses inputs that are not co-partitioned.
 */
import type { TopicRequirement } from '../../io/index.js';
import type { StoreSpec } from '../../state/index.js';
import type { SourceNode, Topology } from '../../topology/index.js';
import { RuntimeError } from '../errors.js';
import { changelogTopic } from '../task-host.js';

export interface TopicPlan {
  /** Tasks per sub-topology. */
  tasks: Map<number, number>;
  requirements: TopicRequirement[];
  /** Topic name on the cluster for each topology topic (internal and broadcast topics are renamed). */
  resolve(topic: string, internal: boolean): string;
  /** Broadcast input topic -> the fan-out topic each task reads its copy from. */
  fanOut: Map<string, string>;
  /** Every topic the group consumer subscribes to. */
  subscriptions: string[];
  /** The topology topic (and sub-topology) a cluster topic feeds, for routing fetched batches. */
  sourceOf: Map<string, { subTopology: number; fanOutOf?: string }>;
}

export function planTopics(
  topology: Topology,
  applicationId: string,
  external: ReadonlyMap<string, number>,
  timerStore: StoreSpec,
): TopicPlan {
  const internalTopics = new Set(topology.definition.repartitionTopics);
  const broadcastSources = new Set<string>();
  for (const node of topology.definition.nodes.values()) {
    if (node.kind === 'source' && node.delivery === 'broadcast')
      for (const topic of node.topics) broadcastSources.add(topic);
  }
  const resolve = (topic: string, internal: boolean): string => {
    if (internal || internalTopics.has(topic)) return `${applicationId}-${topic}`;
    if (broadcastSources.has(topic)) return `${applicationId}-${topic}-fanout`;
    return topic;
  };

  const tasks = new Map<number, number>();
  // Sub-topologies in build order: a repartition topic's reader comes after its writer.
  const repartitionCounts = new Map<string, number>();
  for (const sub of topology.subTopologies) {
    const partitioned = sub.sources
      .map((name) => topology.node(name) as SourceNode)
      .filter((node) => node.delivery === 'partitioned')
      .flatMap((node) => node.topics);
    const counts = partitioned.map((topic) => {
      if (internalTopics.has(topic)) return [topic, repartitionCounts.get(topic)] as const;
      const count = external.get(topic);
      if (count === undefined) {
        throw new RuntimeError(
          'TS_RUNTIME_MISSING_TOPIC',
          `input topic ${topic} does not exist; create it before starting`,
          {
            details: { topic },
          },
        );
      }
      return [topic, count] as const;
    });
    const known = counts
      .filter(([, count]) => count !== undefined)
      .map(([, count]) => count as number);
    const distinctExternal = new Set(
      counts
        .filter(([topic, count]) => !internalTopics.has(topic) && count !== undefined)
        .map(([, count]) => count),
    );
    if (distinctExternal.size > 1) {
      throw new RuntimeError(
        'TS_RUNTIME_NOT_COPARTITIONED',
        `sub-topology ${sub.id} reads ${counts.map(([t, c]) => `${t} (${c} partitions)`).join(', ')}; ` +
          'co-partitioned inputs must have equal partition counts',
      );
    }
    const count = known.length > 0 ? Math.max(...known) : 1;
    tasks.set(sub.id, count);
    for (const sinkName of sub.sinks) {
      const sink = topology.node(sinkName);
      if (sink.kind === 'sink' && sink.internal)
        repartitionCounts.set(sink.topic, repartitionCounts.get(sink.topic) ?? count);
    }
  }
  // A repartition topic read by a sub-topology with external inputs takes their count.
  for (const topic of internalTopics) {
    const reader = topology.subTopologyOf(topic);
    if (reader !== undefined)
      repartitionCounts.set(topic, tasks.get(reader.id) ?? repartitionCounts.get(topic) ?? 1);
  }

  const requirements: TopicRequirement[] = [];
  const sourceOf = new Map<string, { subTopology: number; fanOutOf?: string }>();
  const fanOut = new Map<string, string>();
  const subscriptions: string[] = [];
  for (const sub of topology.subTopologies) {
    const count = tasks.get(sub.id) as number;
    for (const store of [timerStore.name, ...sub.stores]) {
      const spec = store === timerStore.name ? timerStore : topology.store(store);
      if (spec.changelog === false) continue;
      requirements.push({
        topic: changelogTopic(applicationId, store),
        partitions: count,
        compact: true,
      });
      if (spec.ttl !== undefined) {
        requirements.push({
          topic: changelogTopic(applicationId, `${store}.ttl-index`),
          partitions: count,
          compact: true,
        });
      }
    }
    for (const topic of sub.sourceTopics) {
      const name = resolve(topic, false);
      if (internalTopics.has(topic)) {
        requirements.push({ topic: name, partitions: repartitionCounts.get(topic) ?? count });
      } else if (broadcastSources.has(topic)) {
        requirements.push({ topic: name, partitions: count });
        fanOut.set(topic, name);
        sourceOf.set(topic, { subTopology: sub.id, fanOutOf: topic });
        subscriptions.push(topic);
      }
      sourceOf.set(name, { subTopology: sub.id });
      subscriptions.push(name);
    }
  }
  return { tasks, requirements, resolve, fanOut, subscriptions, sourceOf };
}
