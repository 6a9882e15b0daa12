import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryStore, readOnlyView } from '../../src/state/index.js';
import { assertCode, bytes, keysOf, text } from './support/helpers.js';

describe('a read-only view', () => {
  test('reads through to the store and refuses writes with TS_STATE_READ_ONLY', async () => {
    const store = new MemoryStore('rates');
    await store.open();
    await store.write([{ key: 'sh', value: bytes('1.2') }]);
    const view = readOnlyView(store);
    assert.equal(text(view.get('sh')), '1.2');
    assert.deepEqual(await keysOf(view.range()), ['sh']);
    assert.throws(() => view.put('sh', bytes('9')), assertCode('TS_STATE_READ_ONLY'));
    assert.throws(() => view.delete('sh'), assertCode('TS_STATE_READ_ONLY'));
    assert.equal(text(store.get('sh')), '1.2');
  });
});
