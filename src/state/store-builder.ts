/**
 * Builds one store's stack the way Kafka Streams does:
 *
 *   metered -> [ttl] -> caching -> [change-logging] -> bytes backend (memory or LevelDB)
 *
 * A store with a TTL gets a companion physical store, `<name>.ttl-index`, built the same way
 * (same backend, same changelog setting) and holding the TimeQueue of expiries; it has its own
 * changelog and checkpoint entry, so it is restored together with the data.
 */
import { join } from 'node:path';
import type { BytesStore } from './bytes-store.js';
import { CachingStore } from './caching-store.js';
import { ChangeLoggingStore } from './change-logging-store.js';
import { InvalidStateArgumentError } from './errors.js';
import { LevelDbStore } from './leveldb-store.js';
import { MemoryStore } from './memory-store.js';
import { MeteredStore, createStoreMetrics } from './metered-store.js';
import { TimeQueue } from './time-queue.js';
import { TtlStore } from './ttl-store.js';
import type {
  Bytes,
  KeyValueStore,
  Serde,
  StoreBackend,
  StoreContext,
  StoreMetrics,
  StoreSpec,
} from './types.js';

export const DEFAULT_CACHE_MAX_ENTRIES = 10_000;
export const TTL_INDEX_SUFFIX = '.ttl-index';

const STORE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** One physical store: a backend, optionally change-logged, under a write cache. */
export interface PhysicalStore {
  readonly name: string;
  /** The raw backend: restore writes here, bypassing cache and changelog. */
  readonly backend: BytesStore;
  readonly cache: CachingStore<unknown>;
  readonly changelogged: boolean;
  readonly persistent: boolean;
}

export interface StoreStack<V> {
  readonly spec: StoreSpec<V>;
  /** What processors use. */
  readonly store: KeyValueStore<V>;
  readonly metrics: StoreMetrics;
  /** The data store first, then the TTL index if any. */
  readonly physical: readonly PhysicalStore[];
  readonly ttl: TtlStore<V> | undefined;
  readonly ttlIndex: TimeQueue | undefined;
}

export const identitySerde: Serde<Bytes> = {
  serialize: (value) => value,
  deserialize: (bytes) => bytes,
};

/**
 * @param taskDir the task's directory; LevelDB stores live at `<taskDir>/<store name>`
 */
export function buildStoreStack<V>(
  spec: StoreSpec<V>,
  context: StoreContext,
  taskDir: string,
): StoreStack<V> {
  validateSpec(spec);
  const metrics = createStoreMetrics();
  const changelogged = spec.changelog !== false;
  const maxEntries = spec.cacheMaxEntries ?? DEFAULT_CACHE_MAX_ENTRIES;
  const data = physicalStore(
    spec.name,
    spec.backend,
    spec.valueSerde,
    changelogged,
    maxEntries,
    metrics,
    context,
    taskDir,
  );
  if (spec.ttl === undefined) {
    return {
      spec,
      store: new MeteredStore(data.cache, metrics),
      metrics,
      physical: [data.physical],
      ttl: undefined,
      ttlIndex: undefined,
    };
  }
  const index = physicalStore(
    spec.name + TTL_INDEX_SUFFIX,
    spec.backend,
    identitySerde,
    changelogged,
    maxEntries,
    createStoreMetrics(),
    context,
    taskDir,
  );
  const queue = new TimeQueue(index.cache, '', { name: `${spec.name} ttl index` });
  const clock =
    spec.ttl.clock === 'wall' ? () => context.wallClockTime() : () => context.streamTime();
  const ttl = new TtlStore(data.cache, queue, spec.ttl.ms, clock, metrics);
  return {
    spec,
    store: new MeteredStore(ttl, metrics),
    metrics,
    physical: [data.physical, index.physical],
    ttl,
    ttlIndex: queue,
  };
}

function physicalStore<V>(
  name: string,
  backendType: StoreBackend,
  serde: Serde<V>,
  changelogged: boolean,
  maxEntries: number,
  metrics: StoreMetrics,
  context: StoreContext,
  taskDir: string,
): { physical: PhysicalStore; cache: CachingStore<V> } {
  const backend: BytesStore =
    backendType === 'leveldb' ? new LevelDbStore(name, join(taskDir, name)) : new MemoryStore(name);
  const streamTime = (): number => context.streamTime();
  const below = changelogged
    ? new ChangeLoggingStore(backend, context.changelog, streamTime)
    : backend;
  const cache = new CachingStore<V>(below, { serde, maxEntries, metrics, timestamp: streamTime });
  return {
    physical: {
      name,
      backend,
      cache: cache as CachingStore<unknown>,
      changelogged,
      persistent: backend.persistent,
    },
    cache,
  };
}

function validateSpec(spec: StoreSpec<unknown>): void {
  const place = `store spec ${JSON.stringify(spec?.name)}`;
  if (
    typeof spec.name !== 'string' ||
    !STORE_NAME.test(spec.name) ||
    spec.name.endsWith(TTL_INDEX_SUFFIX)
  ) {
    throw new InvalidStateArgumentError(
      place,
      `name must match ${STORE_NAME.source} (it names a directory) and not end with ${TTL_INDEX_SUFFIX}`,
    );
  }
  if (spec.backend !== 'leveldb' && spec.backend !== 'memory') {
    throw new InvalidStateArgumentError(
      place,
      `backend must be 'leveldb' or 'memory', got ${JSON.stringify(spec.backend)}`,
    );
  }
  if (spec.valueSerde === null || typeof spec.valueSerde !== 'object') {
    throw new InvalidStateArgumentError(place, 'valueSerde is required');
  }
  if (spec.ttl !== undefined) {
    if (!Number.isSafeInteger(spec.ttl.ms) || spec.ttl.ms <= 0) {
      throw new InvalidStateArgumentError(
        place,
        `ttl.ms must be a positive integer, got ${String(spec.ttl.ms)}`,
      );
    }
    if (spec.ttl.clock !== 'stream' && spec.ttl.clock !== 'wall') {
      throw new InvalidStateArgumentError(
        place,
        `ttl.clock must be 'stream' or 'wall', got ${JSON.stringify(spec.ttl.clock)}`,
      );
    }
  }
}
