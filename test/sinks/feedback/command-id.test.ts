import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandId } from '../../../src/sinks/index.js';
import { touchCommandId } from '../../../src/io/index.js';

test('splits an id with one colon left after the instant into trigger and customer', () => {
  const id = touchCommandId({ trigger: 'renewal-reminder', customerId: 'C1', at: 1767571200000 });
  assert.deepEqual(parseCommandId(id), {
    commandId: id,
    trigger: 'renewal-reminder',
    customerId: 'C1',
    at: 1767571200000,
  });
});

test('leaves an id whose trigger or customer holds a colon unsplit, unless one known trigger fits', () => {
  const id = touchCommandId({ trigger: 'vip:care', customerId: 'CN:42', at: 5 });
  assert.equal(parseCommandId(id), undefined);
  assert.deepEqual(parseCommandId(id, ['other', 'vip:care']), {
    commandId: id,
    trigger: 'vip:care',
    customerId: 'CN:42',
    at: 5,
  });
  // Two known triggers fit: still ambiguous.
  assert.equal(parseCommandId(id, ['vip', 'vip:care']), undefined);
});

test('refuses ids that do not end in an instant or lack a part', () => {
  for (const id of [
    'a:b:later',
    'a:b:',
    ':b:1',
    'a::1',
    'ab:1',
    'a:b:1.5',
    'a:b:99999999999999999',
  ])
    assert.equal(parseCommandId(id), undefined, id);
  assert.deepEqual(parseCommandId('a:b:-1')?.at, -1);
});
