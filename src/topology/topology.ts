/**
 * A built topology: immutable, shared by every task, and printable with describe().
 */
import type { StoreSpec } from '../state/index.js';
import type {
  GlobalTableDefinition,
  SubTopology,
  TopologyDefinition,
  TopologyNode,
} from './nodes.js';

export class Topology {
  constructor(readonly definition: TopologyDefinition) {}

  get subTopologies(): readonly SubTopology[] {
    return this.definition.subTopologies;
  }

  node(name: string): TopologyNode {
    const node = this.definition.nodes.get(name);
    if (node === undefined) throw new Error(`no node named ${name}`);
    return node;
  }

  store(name: string): StoreSpec {
    const spec = this.definition.stores.get(name);
    if (spec === undefined) throw new Error(`no store named ${name}`);
    return spec;
  }

  get globalTables(): readonly GlobalTableDefinition[] {
    return [...this.definition.globalTables.values()];
  }

  /** Every topic read by a partitioned source, user and internal. */
  sourceTopics(): string[] {
    return this.definition.subTopologies.flatMap((sub) => sub.sourceTopics);
  }

  /** Which sub-topology reads a topic, or undefined. */
  subTopologyOf(topic: string): SubTopology | undefined {
    return this.definition.subTopologies.find((sub) => sub.sourceTopics.includes(topic));
  }

  /** Kafka Streams' TopologyDescription format: sub-topologies, their nodes and edges, then global stores. */
  describe(): string {
    const lines: string[] = ['Topologies:'];
    const parentsOf = new Map<string, string[]>();
    for (const node of this.definition.nodes.values()) {
      if (node.kind === 'sink') continue;
      for (const child of node.children) {
        const parents = parentsOf.get(child) ?? [];
        parents.push(node.name);
        parentsOf.set(child, parents);
      }
    }
    for (const sub of this.definition.subTopologies) {
      lines.push(`   Sub-topology: ${sub.id}`);
      for (const name of sub.nodes) {
        const node = this.node(name);
        if (node.kind === 'source') {
          const delivery = node.delivery === 'broadcast' ? ', broadcast' : '';
          lines.push(`    Source: ${name} (topics: [${node.topics.join(', ')}]${delivery})`);
        } else if (node.kind === 'processor') {
          const stores = [...node.stores, ...node.globalTables.map((table) => `${table} (global)`)];
          lines.push(`    Processor: ${name} (stores: [${stores.join(', ')}])`);
        } else {
          lines.push(`    Sink: ${name} (topic: ${node.topic})`);
        }
        if (node.kind !== 'sink')
          lines.push(`      --> ${node.children.length > 0 ? node.children.join(', ') : 'none'}`);
        if (node.kind !== 'source')
          lines.push(`      <-- ${(parentsOf.get(name) ?? []).join(', ') || 'none'}`);
      }
      if (sub.stores.length > 0) {
        const described = sub.stores.map((store) => {
          const spec = this.store(store);
          const ttl = spec.ttl === undefined ? '' : `, ttl ${spec.ttl.ms}ms`;
          return `${store} (${spec.backend}${spec.changelog === false ? ', no changelog' : ''}${ttl})`;
        });
        lines.push(`    Stores: ${described.join(', ')}`);
      }
      lines.push('');
    }
    for (const table of this.definition.globalTables.values()) {
      lines.push(`  Global Store: ${table.storeName} (topic: ${table.topic})`);
    }
    return `${lines.join('\n').trimEnd()}\n`;
  }
}
