import type { StoreQueries } from '../../src/runtime/index.js';

export interface InstanceViewOptions {
  /** The API address this instance announces. */
  address: string;
  /** The partitions whose tasks it runs; all of them when absent. */
  partitions?: readonly number[];
  /** The addresses of the group's instances, as its owner map has them now. */
  instances: () => string[];
}

/** One instance's view of an engine's state in a group of several (over the in-process driver's queries). */
export function instanceView(queries: StoreQueries, options: InstanceViewOptions): StoreQueries {
  const owned = options.partitions;
  return {
    apiAddress: options.address,
    queryStore: (store, key) => queries.queryStore(store, key),
    localStores: <V>(store: string) =>
      owned === undefined
        ? queries.localStores<V>(store)
        : queries.localStores<V>(store).filter((local) => owned.includes(local.partition)),
    storePartitions: (store) => queries.storePartitions(store),
    instanceAddresses: options.instances,
  };
}
