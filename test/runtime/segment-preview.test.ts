import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STORES, previewSegmentLocally } from '../../src/runtime/index.js';
import type { CustomerState, SegmentRule } from '../../src/rules/index.js';
import { DAY, START, claimSettled, profile, startEngine, tagAdded } from './support/engine.js';

const segment = (when: SegmentRule['when']): SegmentRule => ({
  id: 'preview',
  kind: 'segment',
  when,
});

async function engineWithCustomers() {
  const engine = await startEngine({
    partitions: 3,
    rules: [{ id: 'vip', kind: 'segment', when: { tag: 'vip' } }],
  });
  for (let i = 0; i < 12; i += 1) {
    const id = `c${String(i).padStart(2, '0')}`;
    await engine.event(
      profile(id, START + i, { city: i % 2 === 0 ? 'Xiamen' : 'Fuzhou', phone: '13812345678' }),
    );
    if (i % 3 === 0) await engine.event(tagAdded(id, START + i, 'vip'));
  }
  await engine.event(claimSettled('c01', START + 20, 'k1', 5_000));
  return engine;
}

test('counts the customers a segment would hold across every partition, with the smallest ids as sample', async () => {
  const engine = await engineWithCustomers();
  try {
    const stores = engine.driver.localStores<CustomerState>(STORES.customers);
    const preview = await previewSegmentLocally(stores, segment({ attr: 'city', eq: 'Xiamen' }), 3);
    assert.equal(preview.count, 6);
    assert.deepEqual(preview.partitions, [0, 1, 2]);
    assert.deepEqual(
      preview.sample.map((customer) => customer.customerId),
      ['c00', 'c02', 'c04'],
    );
    assert.equal(preview.sample[0].attributes.city, 'Xiamen');
  } finally {
    await engine.close();
  }
});

test('reads the current memberships of segments it references, and windows at the engine instant', async () => {
  const engine = await engineWithCustomers();
  try {
    const stores = engine.driver.localStores<CustomerState>(STORES.customers);
    const vipInXiamen = segment({ all: [{ segment: 'vip' }, { attr: 'city', eq: 'Xiamen' }] });
    assert.equal((await previewSegmentLocally(stores, vipInXiamen, 0)).count, 2);
    const recentClaim = segment({ claim: { status: 'settled', within: '30d' } });
    assert.equal((await previewSegmentLocally(stores, recentClaim, 10)).count, 1);
    await engine.driver.advanceStreamTime(START + 31 * DAY);
    assert.equal(
      (await previewSegmentLocally(engine.driver.localStores(STORES.customers), recentClaim, 10))
        .count,
      0,
      'thirty days on the claim is out of the window',
    );
  } finally {
    await engine.close();
  }
});

test('leaves out a partition whose store fails during the scan, saying why', async () => {
  const engine = await engineWithCustomers();
  try {
    const [first, ...others] = engine.driver.localStores<CustomerState>(STORES.customers);
    const broken = {
      ...first,
      store: {
        ...first.store,
        range: () => {
          throw new Error('store closed');
        },
      },
    };
    const preview = await previewSegmentLocally([broken, ...others], segment({ tag: 'vip' }), 10);
    assert.deepEqual(preview.partitions, [1, 2]);
    assert.deepEqual(preview.skipped, [{ partition: 0, reason: 'store closed' }]);
  } finally {
    await engine.close();
  }
});
