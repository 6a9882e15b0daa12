/**
 * The topology graph as data: what the builder produces and what a task instantiates. Nothing here
 * runs; processors are created per task from their suppliers.
 */
import type { ProcessorSupplier } from '../operators/index.js';
import type { Serde, StoreSpec } from '../state/index.js';

/** How a source's records are spread over tasks. */
export type SourceDelivery =
  /** Partition p of the topic goes to task p (the Kafka way). */
  | 'partitioned'
  /** Every record goes to every task of the sub-topology (broadcast alerts). */
  | 'broadcast';

/** Picks a record's event time from its decoded value (default: the Kafka record timestamp). */
export type TimestampExtractor = (key: unknown, value: unknown, recordTimestamp: number) => number;

export interface SourceNode {
  kind: 'source';
  name: string;
  topics: string[];
  keySerde: Serde<unknown>;
  valueSerde: Serde<unknown>;
  timestampExtractor?: TimestampExtractor;
  delivery: SourceDelivery;
  /** True for repartition topics the topology created itself. */
  internal: boolean;
  children: string[];
}

export interface ProcessorNode {
  kind: 'processor';
  name: string;
  supplier: ProcessorSupplier;
  /** Task-local stores the processor reads and writes. */
  stores: string[];
  /** Global tables whose updates reach this processor's `onGlobalUpdate`. */
  globalTables: string[];
  children: string[];
}

export type Partitioner = (keyBytes: Uint8Array | null, numPartitions: number) => number;

export interface SinkNode {
  kind: 'sink';
  name: string;
  topic: string;
  keySerde: Serde<unknown>;
  valueSerde: Serde<unknown>;
  /** Default: Kafka's murmur2 of the key bytes (round robin for null keys is not deterministic: refused). */
  partitioner?: Partitioner;
  internal: boolean;
}

export type TopologyNode = SourceNode | ProcessorNode | SinkNode;

/** A topic replicated whole to every instance and kept in a store that every task can read. */
export interface GlobalTableDefinition {
  name: string;
  topic: string;
  storeName: string;
  keySerde: Serde<unknown>;
  valueSerde: Serde<unknown>;
}

/** A connected piece of the graph: one task per partition of its source topics. */
export interface SubTopology {
  id: number;
  nodes: string[];
  sources: string[];
  sinks: string[];
  stores: string[];
  /** Every topic the sub-topology reads, partitioned ones first. */
  sourceTopics: string[];
}

export interface TopologyDefinition {
  nodes: ReadonlyMap<string, TopologyNode>;
  stores: ReadonlyMap<string, StoreSpec>;
  globalTables: ReadonlyMap<string, GlobalTableDefinition>;
  subTopologies: readonly SubTopology[];
  /** Repartition topics created by the builder; their partition count follows their upstream input. */
  repartitionTopics: readonly string[];
}
