/**
 * Interactive queries, as Kafka Streams offers them: read-only access to the task stores of this
 * instance, and for any key, where the task holding it runs now. Both drivers answer them (the
 * Kafka runtime for the partitions it owns, the in-process driver for all of them).
 */
import type { Entry, KeyRange, KeyValueStore } from '../state/index.js';
import { RuntimeError } from './errors.js';
import { partitionForKey } from './murmur2.js';
import type { Topology } from '../topology/index.js';

/** What a query may do with a task store: read, never write. */
export interface ReadableStore<V> {
  readonly name: string;
  get(key: string): V | undefined;
  range(range?: KeyRange): AsyncIterableIterator<Entry<V>>;
  prefix(
    prefix: string,
    options?: { limit?: number; reverse?: boolean },
  ): AsyncIterableIterator<Entry<V>>;
}

/** Why a partition cannot be read anywhere right now; all of them pass, so callers retry. */
export type UnavailableReason =
  /** This instance owns the partition and is still restoring its state. */
  | 'restoring'
  /** No instance owns it yet (the group has not formed, or this instance has not joined). */
  | 'no-owner'
  /** A rebalance is moving it, or the owner map is stale. */
  | 'moving';

export type StoreQueryResult<V> =
  | { kind: 'local'; partition: number; store: ReadableStore<V>; streamTime: number }
  | { kind: 'remote'; partition: number; address: string }
  | { kind: 'unavailable'; partition: number; reason: UnavailableReason };

/** One running local task's copy of a store. */
export interface LocalStore<V> {
  partition: number;
  store: ReadableStore<V>;
  /** The task's stream time now (the instant its state has reached). */
  streamTime(): number;
}

export interface StoreQueries {
  /** Where the task store holding `key` is served now: here, at another instance, or nowhere yet. */
  queryStore<V>(storeName: string, key: string): StoreQueryResult<V>;
  /** The store in every task running here, for questions over all keys (segment previews). */
  localStores<V>(storeName: string): LocalStore<V>[];
  /** How many partitions (tasks) the store is split into; undefined before the engine knows. */
  storePartitions(storeName: string): number | undefined;
  /** The API address of every instance that owns some partition now, this one included. */
  instanceAddresses(): string[];
  /** This instance's API address, if it announces one. */
  readonly apiAddress: string | undefined;
}

/** The sub-topology whose tasks hold a store; throws TS_RUNTIME_UNKNOWN_STORE naming the known ones. */
export function subTopologyOfStore(topology: Topology, storeName: string): number {
  const sub = topology.subTopologies.find((candidate) => candidate.stores.includes(storeName));
  if (sub === undefined) {
    const known = topology.subTopologies.flatMap((candidate) => candidate.stores);
    throw new RuntimeError(
      'TS_RUNTIME_UNKNOWN_STORE',
      `no task store named ${storeName} in this topology (it has ${known.join(', ') || 'none'})`,
      { details: { store: storeName } },
    );
  }
  return sub.id;
}

/** The partition of a string key, with the partitioner producers use (murmur2 of its UTF-8). */
export function partitionOfKey(key: string, partitions: number): number {
  return partitionForKey(Buffer.from(key, 'utf8'), partitions);
}

/** A store as queries see it: no `put`, no `delete`, whatever the object underneath offers. */
export function readable<V>(store: KeyValueStore<V>): ReadableStore<V> {
  return {
    name: store.name,
    get: (key) => store.get(key),
    range: (range) => store.range(range),
    prefix: (prefix, options) => store.prefix(prefix, options),
  };
}
