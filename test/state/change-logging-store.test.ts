import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildStoreStack, ChangeLoggingStore, MemoryStore } from '../../src/state/index.js';
import { bytes, jsonSerde, testContext, text } from './support/helpers.js';

describe('the change-logging layer', () => {
  test('emits one record per dirty key at flush, in key order, with the last value and its write time', async () => {
    const context = testContext();
    const stack = buildStoreStack(
      { name: 'profiles', backend: 'memory', valueSerde: jsonSerde<number>() },
      context,
      '/unused',
    );
    await stack.physical[0].cache.open();
    const store = stack.store;
    context.stream = 100;
    store.put('b', 1);
    context.stream = 110;
    store.put('a', 1);
    store.put('b', 2);
    context.stream = 120;
    store.delete('c');
    store.put('a', 3);
    assert.equal(context.records.length, 0);
    await stack.physical[0].cache.flush();
    assert.deepEqual(
      context.records.map((r) => [
        r.store,
        r.key,
        r.value === null ? null : text(r.value),
        r.timestamp,
      ]),
      [
        ['profiles', 'a', '3', 120],
        ['profiles', 'b', '2', 110],
        ['profiles', 'c', null, 120],
      ],
    );
    await stack.physical[0].cache.flush();
    assert.equal(context.records.length, 3, 'a flush with nothing dirty logs nothing');
  });

  test('logs a tombstone for a key put and then deleted before the flush', async () => {
    const context = testContext();
    const stack = buildStoreStack(
      { name: 's', backend: 'memory', valueSerde: jsonSerde<number>() },
      context,
      '/unused',
    );
    await stack.physical[0].cache.open();
    stack.store.put('k', 1);
    stack.store.delete('k');
    await stack.physical[0].cache.flush();
    assert.deepEqual(
      context.records.map((r) => [r.key, r.value]),
      [['k', null]],
    );
  });

  test('logs nothing for a store declared without a changelog', async () => {
    const context = testContext();
    const stack = buildStoreStack(
      { name: 's', backend: 'memory', valueSerde: jsonSerde<number>(), changelog: false },
      context,
      '/unused',
    );
    await stack.physical[0].cache.open();
    stack.store.put('k', 1);
    await stack.physical[0].cache.flush();
    assert.equal(context.records.length, 0);
    assert.equal(stack.store.get('k'), 1);
  });

  test('logs a tombstone per key when the store is cleared', async () => {
    const context = testContext();
    const logged = new ChangeLoggingStore(new MemoryStore('s'), context.changelog, () => 7);
    await logged.open();
    await logged.write([
      { key: 'x', value: bytes('1') },
      { key: 'y', value: bytes('2') },
    ]);
    await logged.clear();
    assert.equal(await logged.approximateCount(), 0);
    assert.deepEqual(
      context.records.map((r) => [r.key, r.value === null ? null : text(r.value), r.timestamp]),
      [
        ['x', '1', 7],
        ['y', '2', 7],
        ['x', null, 7],
        ['y', null, 7],
      ],
    );
  });
});
