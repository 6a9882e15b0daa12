import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildStoreStack } from '../../src/state/index.js';
import { jsonSerde, testContext } from './support/helpers.js';

describe('the metered layer', () => {
  test('counts reads, writes and flushes into the store metrics', async () => {
    const stack = buildStoreStack(
      { name: 'm', backend: 'memory', valueSerde: jsonSerde<number>() },
      testContext(),
      '/unused',
    );
    await stack.physical[0].cache.open();
    const store = stack.store;
    store.put('a', 1);
    store.put('a', 2);
    store.delete('b');
    store.get('a');
    store.getMany(['a', 'b', 'c']);
    await stack.physical[0].cache.flush();
    assert.deepEqual(stack.metrics, {
      gets: 4,
      cacheHits: 3,
      puts: 2,
      deletes: 1,
      flushes: 1,
      flushedEntries: 2,
      expired: 0,
    });
  });
});
