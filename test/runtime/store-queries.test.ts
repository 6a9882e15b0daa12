import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STORES, partitionOfKey } from '../../src/runtime/index.js';
import type { CustomerState } from '../../src/rules/index.js';
import { START, startEngine, tagAdded } from './support/engine.js';

test('the in-process driver answers every query locally, from the partition the key was routed to', async () => {
  const engine = await startEngine({ partitions: 4 });
  try {
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'];
    for (const id of ids) await engine.event(tagAdded(id, START, 'x'));
    for (const id of ids) {
      const where = engine.driver.queryStore<CustomerState>(STORES.customers, id);
      assert.equal(where.kind, 'local');
      if (where.kind !== 'local') continue;
      assert.equal(where.partition, partitionOfKey(id, 4));
      assert.equal(where.store.get(id)?.customerId, id);
      assert.equal(where.streamTime, START);
      const events = engine.driver.cluster.topic(engine.topics.events);
      const routed = [0, 1, 2, 3].filter((p) =>
        events?.read(p).some((record) => record.key?.toString() === id),
      );
      assert.deepEqual(routed, [where.partition], `${id} was produced to the partition queried`);
    }
  } finally {
    await engine.close();
  }
});

test('local stores cover every partition, and an unknown store is named', async () => {
  const engine = await startEngine({ partitions: 3 });
  try {
    assert.deepEqual(
      engine.driver.localStores(STORES.customers).map((local) => local.partition),
      [0, 1, 2],
    );
    assert.equal(engine.driver.storePartitions(STORES.timeline), 3);
    assert.throws(
      () => engine.driver.queryStore('nope', 'c1'),
      (error: { code?: string; message: string }) =>
        error.code === 'TS_RUNTIME_UNKNOWN_STORE' && /timeline/.test(error.message),
    );
  } finally {
    await engine.close();
  }
});
