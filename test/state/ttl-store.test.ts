import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildStoreStack } from '../../src/state/index.js';
import type { StoreStack } from '../../src/state/index.js';
import { keysOf, jsonSerde, testContext } from './support/helpers.js';
import type { TestContext } from './support/helpers.js';

async function ttlStack(
  clock: 'stream' | 'wall' = 'stream',
): Promise<{ stack: StoreStack<string>; context: TestContext }> {
  const context = testContext();
  const stack = buildStoreStack<string>(
    {
      name: 'sessions',
      backend: 'memory',
      valueSerde: jsonSerde<string>(),
      ttl: { ms: 100, clock },
    },
    context,
    '/unused',
  );
  for (const physical of stack.physical) await physical.cache.open();
  return { stack, context };
}

const flushAll = async (stack: StoreStack<string>): Promise<void> => {
  for (const physical of stack.physical) await physical.cache.flush();
};

describe('stores with a time to live', () => {
  test('delete keys not written for the ttl, with a changelog tombstone', async () => {
    const { stack, context } = await ttlStack();
    const ttl = stack.ttl!;
    context.stream = 1000;
    stack.store.put('a', 'A');
    stack.store.put('b', 'B');
    context.stream = 1050;
    stack.store.put('b', 'B2'); // written again: lives until 1150
    await flushAll(stack);
    context.records.length = 0;
    assert.equal(await ttl.expire(1099), 0);
    assert.equal(await ttl.expire(1100), 1);
    assert.equal(stack.metrics.expired, 1);
    await flushAll(stack);
    const data = context.records.filter((r) => r.store === 'sessions');
    assert.deepEqual(
      data.map((r) => [r.key, r.value]),
      [['a', null]],
    );
    assert.equal(stack.store.get('b'), 'B2');
    assert.equal(await ttl.expire(1150), 1);
    assert.equal(stack.store.get('b'), undefined);
  });

  test('read an expired key as absent before it is removed, in get, getMany and range', async () => {
    const { stack, context } = await ttlStack();
    context.stream = 0;
    stack.store.put('old', 'O');
    context.stream = 80;
    stack.store.put('new', 'N');
    context.stream = 120;
    assert.equal(stack.store.get('old'), undefined);
    assert.equal(stack.store.get('new'), 'N');
    assert.deepEqual(stack.store.getMany(['old', 'new']), [undefined, 'N']);
    assert.deepEqual(await keysOf(stack.store.range()), ['new']);
    assert.deepEqual(await keysOf(stack.store.range({ limit: 1 })), ['new']);
    assert.deepEqual(await keysOf(stack.store.prefix('', { limit: 1 })), ['new']);
  });

  test('forget the expiry of a deleted key', async () => {
    const { stack, context } = await ttlStack();
    stack.store.put('a', 'A');
    stack.store.delete('a');
    assert.equal(stack.ttl!.expiryOf('a'), undefined);
    context.stream = 1000;
    assert.equal(await stack.ttl!.expire(1000), 0);
  });

  test('expire on the wall clock when the spec says so', async () => {
    const { stack, context } = await ttlStack('wall');
    context.wall = 5000;
    context.stream = 0;
    stack.store.put('a', 'A');
    assert.equal(stack.ttl!.expiryOf('a'), 5100);
    context.stream = 10_000;
    assert.equal(stack.store.get('a'), 'A', 'stream time does not age a wall-clock ttl');
    context.wall = 5100;
    assert.equal(stack.store.get('a'), undefined);
  });

  test('expire many keys across several loads of the index', async () => {
    const { stack, context } = await ttlStack();
    for (let i = 0; i < 10_000; i++) {
      context.stream = i;
      stack.store.put(`k${i}`, 'v');
    }
    await flushAll(stack);
    assert.equal(await stack.ttl!.expire(5099), 5000);
    await flushAll(stack);
    assert.equal(await stack.store.approximateCount(), 5000);
    context.stream = 5099;
    assert.equal(stack.store.get('k4999'), undefined);
    assert.equal(stack.store.get('k5000'), 'v');
  });
});
