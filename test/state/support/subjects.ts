/** Adapters that put bytes backends and full store stacks behind the conformance suite's shape. */
import { join } from 'node:path';
import { buildStoreStack, identitySerde } from '../../../src/state/index.js';
import type { Bytes, BytesStore, StoreBackend, StoreStack } from '../../../src/state/index.js';
import type { ConformanceSubject } from '../store-conformance.js';
import { testContext } from './helpers.js';

export function backendSubject(store: BytesStore): ConformanceSubject & { store: BytesStore } {
  return {
    store,
    get status() {
      return store.status;
    },
    get: (key) => store.get(key),
    getMany: (keys) => store.getMany(keys),
    write: (ops) => store.write(ops),
    range: (range) => store.iterate(range),
    prefix: (prefix, options) => store.prefix(prefix, options),
    approximateCount: () => store.approximateCount(),
    close: () => store.close(),
  };
}

export type StackSubject = ConformanceSubject & { stack: StoreStack<Bytes>; dir: string };

/**
 * A full stack (metered, caching, change-logging) over a backend. Writes go through put/delete
 * and only every other batch is flushed, so reads and scans meet both cached and flushed data;
 * the small cache bound makes early flushes and LRU eviction happen too.
 */
export function stackSubject(backend: StoreBackend, dir: string): StackSubject {
  const stack = buildStoreStack<Bytes>(
    { name: 'subject', backend, valueSerde: identitySerde, cacheMaxEntries: 50 },
    testContext(),
    dir,
  );
  const store = stack.store;
  const cache = stack.physical[0].cache;
  let writes = 0;
  return {
    stack,
    dir,
    get status() {
      return store.status;
    },
    get: (key) => store.get(key),
    getMany: (keys) => store.getMany(keys),
    async write(ops) {
      for (const op of ops) {
        if (op.value === null) store.delete(op.key);
        else store.put(op.key, op.value);
      }
      if (++writes % 2 === 0) await cache.flush();
    },
    range: (range) => store.range(range),
    prefix: (prefix, options) => store.prefix(prefix, options),
    approximateCount: () => store.approximateCount(),
    close: () => cache.close(),
  };
}

export async function openStack(subject: ConformanceSubject): Promise<void> {
  for (const physical of (subject as StackSubject).stack.physical) await physical.cache.open();
}

export function subdir(base: string, counter: { n: number }): string {
  return join(base, `task${counter.n++}`);
}
