/**
 * Global tables: each is a topic read whole by every instance into a store that every task can
 * read. The topic is the source of truth, so the store is rebuilt from it at start and has no
 * changelog of its own.
 */
import type { KeyValueStore } from '../state/index.js';
import type { GlobalTableDefinition, Topology } from '../topology/index.js';
import { RuntimeError } from './errors.js';
import type { InMemoryCluster } from './in-memory-cluster.js';
import type { ConsumedRecord } from './records.js';
import { openGlobalStore } from './task-state.js';
import type { ClosableStore } from './task-state.js';

export interface GlobalChange {
  key: string;
  /** The decoded value, or undefined when the record deleted the key. */
  value: unknown;
}

export class GlobalStateHost {
  private constructor(
    private readonly tables: ReadonlyMap<string, GlobalTableDefinition>,
    private readonly stores: ReadonlyMap<string, ClosableStore>,
    private readonly onBadRecord: (table: string, record: ConsumedRecord, error: unknown) => void,
  ) {}

  /** Opens a store per global table and loads it from the table's topic, if it has records. */
  static async open(
    topology: Topology,
    cluster: InMemoryCluster | undefined,
    onBadRecord: (table: string, record: ConsumedRecord, error: unknown) => void = () => undefined,
  ): Promise<GlobalStateHost> {
    const tables = new Map(topology.globalTables.map((table) => [table.name, table]));
    const stores = new Map<string, ClosableStore>();
    for (const table of tables.values())
      stores.set(table.name, await openGlobalStore(table.storeName, table.valueSerde));
    const host = new GlobalStateHost(tables, stores, onBadRecord);
    if (cluster !== undefined) {
      for (const table of tables.values()) {
        const topic = cluster.topic(table.topic);
        if (topic === undefined) continue;
        for (let partition = 0; partition < topic.partitionCount; partition += 1) {
          for (const stored of topic.read(partition))
            host.apply(table.name, { topic: table.topic, partition, ...stored });
        }
      }
    }
    return host;
  }

  store(name: string): KeyValueStore<unknown> {
    const store = this.stores.get(name);
    if (store === undefined)
      throw new RuntimeError('TS_RUNTIME_UNKNOWN_STORE', `no global table named ${name}`);
    return store;
  }

  /** Applies one record of a global table's topic; undefined if it could not be decoded. */
  apply(name: string, record: ConsumedRecord): GlobalChange | undefined {
    const table = this.tables.get(name);
    if (table === undefined)
      throw new RuntimeError('TS_RUNTIME_UNKNOWN_STORE', `no global table named ${name}`);
    const store = this.store(name);
    let key: string;
    let value: unknown;
    try {
      if (record.key === null)
        throw new RuntimeError('TS_RUNTIME_NULL_KEY', `global table ${name} needs keyed records`);
      key = String(table.keySerde.deserialize(record.key));
      value = record.value === null ? undefined : table.valueSerde.deserialize(record.value);
    } catch (cause) {
      const error =
        cause instanceof RuntimeError
          ? cause
          : new RuntimeError(
              'TS_RUNTIME_DECODE_FAILED',
              `cannot decode global table ${name} record ${record.topic}/${record.partition}@${record.offset}: ${cause instanceof Error ? cause.message : String(cause)}`,
              {
                cause,
                details: {
                  topic: record.topic,
                  partition: record.partition,
                  offset: record.offset,
                },
              },
            );
      this.onBadRecord(name, record, error);
      return undefined;
    }
    if (value === undefined || value === null) store.delete(key);
    else store.put(key, value);
    return { key, value: value ?? undefined };
  }

  async close(): Promise<void> {
    for (const store of this.stores.values()) await store.close();
  }
}
