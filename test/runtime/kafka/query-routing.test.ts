import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeQuery } from '../../../src/runtime/kafka/query-routing.js';
import type { OwnershipView } from '../../../src/runtime/kafka/query-routing.js';
import type { TaskHost } from '../../../src/runtime/index.js';

const SELF = 'http://10.0.0.1:8080';
const OTHER = 'http://10.0.0.2:8080';

function hostWith(values: Record<string, unknown>, streamTime = 42): TaskHost {
  const store = { name: 'customers', get: (key: string) => values[key] };
  return {
    state: { store: () => store },
    task: { streamTime: () => streamTime },
  } as unknown as TaskHost;
}

function view(overrides: Partial<OwnershipView> = {}): OwnershipView {
  return {
    running: true,
    rebalancing: false,
    self: SELF,
    owners: { 0: SELF, 1: OTHER },
    runningTask: () => undefined,
    restoring: () => false,
    ...overrides,
  };
}

test('answers locally from a running task, with its stream time, even during a rebalance', () => {
  const result = routeQuery(
    view({
      rebalancing: true,
      runningTask: (id) => (id === '0_0' ? hostWith({ c1: 'x' }) : undefined),
    }),
    'customers',
    '0_0',
    0,
  );
  assert.equal(result.kind, 'local');
  if (result.kind !== 'local') return;
  assert.equal(result.store.get('c1'), 'x');
  assert.equal(result.streamTime, 42);
  assert.equal((result.store as { put?: unknown }).put, undefined, 'queries cannot write');
});

test('says restoring while the task is assigned here but not restored', () => {
  assert.deepEqual(routeQuery(view({ restoring: () => true }), 'customers', '0_0', 0), {
    kind: 'unavailable',
    partition: 0,
    reason: 'restoring',
  });
});

test('names the owner of a partition another instance runs', () => {
  assert.deepEqual(routeQuery(view(), 'customers', '0_1', 1), {
    kind: 'remote',
    partition: 1,
    address: OTHER,
  });
});

test('says no-owner before the runtime runs and for a partition nobody owns', () => {
  assert.equal(
    (routeQuery(view({ running: false }), 'customers', '0_1', 1) as { reason?: string }).reason,
    'no-owner',
  );
  assert.equal(
    (routeQuery(view({ owners: {} }), 'customers', '0_1', 1) as { reason?: string }).reason,
    'no-owner',
  );
});

test('says moving during a rebalance, and when the map names this instance but the task is not here', () => {
  assert.equal(
    (routeQuery(view({ rebalancing: true }), 'customers', '0_1', 1) as { reason?: string }).reason,
    'moving',
  );
  assert.equal((routeQuery(view(), 'customers', '0_0', 0) as { reason?: string }).reason, 'moving');
});
