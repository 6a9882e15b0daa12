/**
 * The mutable graph behind a StreamsBuilder: named nodes, parent -> child edges, stores and global
 * tables. `build()` freezes it into a TopologyDefinition with its sub-topologies.
 */
import type { ProcessorSupplier } from '../operators/index.js';
import type { Serde, StoreSpec } from '../state/index.js';
import { TopologyError } from './errors.js';
import type {
  GlobalTableDefinition,
  ProcessorNode,
  SinkNode,
  SourceNode,
  SubTopology,
  TopologyDefinition,
  TopologyNode,
} from './nodes.js';
import type { Partitioner, SourceDelivery, TimestampExtractor } from './nodes.js';

export class GraphBuilder {
  private readonly nodes = new Map<string, TopologyNode>();
  private readonly stores = new Map<string, StoreSpec>();
  private readonly globalTables = new Map<string, GlobalTableDefinition>();
  private readonly repartitionTopics: string[] = [];
  private readonly sourceTopics = new Map<string, string>();
  private sequence = 0;

  /** Kafka Streams' naming: `KSTREAM-FILTER-0000000003`, unique and stable for a given build order. */
  nextName(prefix: string): string {
    const name = `${prefix}-${String(this.sequence).padStart(10, '0')}`;
    this.sequence += 1;
    return name;
  }

  addSource(
    name: string,
    topics: string[],
    keySerde: Serde<unknown>,
    valueSerde: Serde<unknown>,
    delivery: SourceDelivery,
    internal: boolean,
    timestampExtractor?: TimestampExtractor,
  ): SourceNode {
    for (const topic of topics) {
      const owner = this.sourceTopics.get(topic);
      if (owner !== undefined) {
        throw new TopologyError(
          'TS_TOPOLOGY_TOPIC_TWICE',
          `topic ${topic} is already read by source ${owner}; read it once and branch or share the stream`,
        );
      }
      this.sourceTopics.set(topic, name);
    }
    const node: SourceNode = {
      kind: 'source',
      name,
      topics,
      keySerde,
      valueSerde,
      delivery,
      internal,
      timestampExtractor,
      children: [],
    };
    this.addNode(node);
    return node;
  }

  addProcessor(
    name: string,
    supplier: ProcessorSupplier,
    parents: readonly string[],
    stores: readonly string[] = [],
    globalTables: readonly string[] = [],
  ): ProcessorNode {
    for (const store of stores) {
      if (!this.stores.has(store)) {
        throw new TopologyError(
          'TS_TOPOLOGY_UNKNOWN_STORE',
          `processor ${name} uses store ${JSON.stringify(store)}, which was never added; call builder.addStore() first`,
        );
      }
    }
    for (const table of globalTables) {
      if (!this.globalTables.has(table)) {
        throw new TopologyError(
          'TS_TOPOLOGY_UNKNOWN_STORE',
          `processor ${name} reads global table ${JSON.stringify(table)}, which was never added`,
        );
      }
    }
    const node: ProcessorNode = {
      kind: 'processor',
      name,
      supplier,
      stores: [...stores],
      globalTables: [...globalTables],
      children: [],
    };
    this.addNode(node);
    this.connect(parents, name);
    return node;
  }

  addSink(
    name: string,
    topic: string,
    parents: readonly string[],
    keySerde: Serde<unknown>,
    valueSerde: Serde<unknown>,
    internal: boolean,
    partitioner?: Partitioner,
  ): SinkNode {
    const node: SinkNode = {
      kind: 'sink',
      name,
      topic,
      keySerde,
      valueSerde,
      internal,
      partitioner,
    };
    this.addNode(node);
    this.connect(parents, name);
    if (internal) this.repartitionTopics.push(topic);
    return node;
  }

  addStore(spec: StoreSpec): void {
    if (this.stores.has(spec.name) || this.globalTables.has(spec.name)) {
      throw new TopologyError(
        'TS_TOPOLOGY_DUPLICATE_NAME',
        `a store named ${spec.name} already exists`,
      );
    }
    if (spec.name.startsWith('__')) {
      throw new TopologyError(
        'TS_TOPOLOGY_RESERVED_NAME',
        `store names starting with __ are reserved for the engine: ${spec.name}`,
      );
    }
    this.stores.set(spec.name, spec);
  }

  hasStore(name: string): boolean {
    return this.stores.has(name);
  }

  addGlobalTable(definition: GlobalTableDefinition): void {
    if (this.stores.has(definition.name) || this.globalTables.has(definition.name)) {
      throw new TopologyError(
        'TS_TOPOLOGY_DUPLICATE_NAME',
        `a store named ${definition.name} already exists`,
      );
    }
    const owner = this.sourceTopics.get(definition.topic);
    if (owner !== undefined) {
      throw new TopologyError(
        'TS_TOPOLOGY_TOPIC_TWICE',
        `topic ${definition.topic} is already read by ${owner}`,
      );
    }
    this.sourceTopics.set(definition.topic, definition.name);
    this.globalTables.set(definition.name, definition);
  }

  build(): TopologyDefinition {
    const subTopologies = this.computeSubTopologies().map((sub) => ({
      ...sub,
      nodes: [...sub.nodes],
      sources: [...sub.sources],
      sinks: [...sub.sinks],
      stores: [...sub.stores],
      sourceTopics: [...sub.sourceTopics],
    }));
    // Copies, so that using the builder after build() cannot change a built topology.
    const nodes = new Map<string, TopologyNode>();
    for (const [name, node] of this.nodes) {
      nodes.set(
        name,
        node.kind === 'sink'
          ? { ...node }
          : node.kind === 'source'
            ? { ...node, topics: [...node.topics], children: [...node.children] }
            : {
                ...node,
                stores: [...node.stores],
                globalTables: [...node.globalTables],
                children: [...node.children],
              },
      );
    }
    return {
      nodes,
      stores: new Map(this.stores),
      globalTables: new Map(this.globalTables),
      subTopologies,
      repartitionTopics: [...this.repartitionTopics],
    };
  }

  private addNode(node: TopologyNode): void {
    if (this.nodes.has(node.name)) {
      throw new TopologyError(
        'TS_TOPOLOGY_DUPLICATE_NAME',
        `a node named ${node.name} already exists; names must be unique`,
      );
    }
    this.nodes.set(node.name, node);
  }

  private connect(parents: readonly string[], child: string): void {
    for (const parentName of parents) {
      const parent = this.nodes.get(parentName);
      if (parent === undefined)
        throw new TopologyError('TS_TOPOLOGY_UNKNOWN_NODE', `no node named ${parentName}`);
      if (parent.kind === 'sink') {
        throw new TopologyError(
          'TS_TOPOLOGY_SINK_PARENT',
          `sink ${parentName} cannot have children (${child})`,
        );
      }
      parent.children.push(child);
    }
  }

  /**
   * Connected components of the graph, where processors that share a store are connected too.
   * Numbered in the order of their first node, which is build order, so ids are stable.
   */
  private computeSubTopologies(): SubTopology[] {
    const parent = new Map<string, string>();
    const find = (name: string): string => {
      let root = name;
      while (parent.get(root) !== root) root = parent.get(root) as string;
      parent.set(name, root);
      return root;
    };
    const union = (a: string, b: string): void => {
      const rootA = find(a);
      const rootB = find(b);
      if (rootA !== rootB) parent.set(rootB, rootA);
    };
    for (const name of this.nodes.keys()) parent.set(name, name);
    const storeOwner = new Map<string, string>();
    for (const node of this.nodes.values()) {
      if (node.kind !== 'sink') for (const child of node.children) union(node.name, child);
      if (node.kind === 'processor') {
        for (const store of node.stores) {
          const owner = storeOwner.get(store);
          if (owner === undefined) storeOwner.set(store, node.name);
          else union(owner, node.name);
        }
      }
    }
    const byRoot = new Map<string, SubTopology>();
    const ordered: SubTopology[] = [];
    for (const node of this.nodes.values()) {
      const root = find(node.name);
      let sub = byRoot.get(root);
      if (sub === undefined) {
        sub = {
          id: ordered.length,
          nodes: [],
          sources: [],
          sinks: [],
          stores: [],
          sourceTopics: [],
        };
        byRoot.set(root, sub);
        ordered.push(sub);
      }
      sub.nodes.push(node.name);
      if (node.kind === 'source') {
        sub.sources.push(node.name);
        sub.sourceTopics.push(...node.topics);
      } else if (node.kind === 'sink') {
        sub.sinks.push(node.name);
      } else {
        for (const store of node.stores) if (!sub.stores.includes(store)) sub.stores.push(store);
      }
    }
    for (const sub of ordered) {
      if (sub.sources.length === 0) {
        throw new TopologyError(
          'TS_TOPOLOGY_NO_SOURCE',
          `nodes ${sub.nodes.join(', ')} are not reachable from any source`,
        );
      }
    }
    return ordered;
  }
}
