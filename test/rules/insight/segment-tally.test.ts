import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  SegmentTally,
  ageBand,
  bucketStart,
  mergeTallies,
  segmentTallySerde,
} from '../../../src/rules/index.js';
import type { CustomerDimensions } from '../../../src/rules/index.js';

const OFFSET = 8 * 3_600_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 10, 0, 0, 0);

function dims(city: string, products: string[] = []): CustomerDimensions {
  return { values: ['female', '35-44', 'Zhejiang', city, 'app', 'gold'], products };
}

describe('segment tally', () => {
  test('counts members by every dimension as they enter, leave and move', () => {
    const tally = new SegmentTally('s', OFFSET);
    tally.enter(dims('Hangzhou', ['auto', 'home']), T0);
    tally.enter(dims('Wenzhou', ['auto']), T0 + 1);
    tally.move(dims('Wenzhou', ['auto']), dims('Hangzhou', ['auto']));
    tally.exit(dims('Hangzhou', ['auto', 'home']), T0 + 2);
    const json = tally.toJSON();
    assert.equal(json.size, 1);
    assert.deepEqual(json.dimensions.city, [['Hangzhou', 1]]);
    assert.deepEqual(json.dimensions.product, [['auto', 1]]);
    assert.deepEqual(json.dimensions.gender, [['female', 1]]);
  });

  test('records the size at the end of each hour and day of the configured offset', () => {
    const tally = new SegmentTally('s', OFFSET);
    tally.enter(dims('a'), T0 + 10);
    tally.enter(dims('b'), T0 + 20);
    tally.exit(dims('a'), T0 + HOUR + 5);
    const json = tally.toJSON();
    assert.deepEqual(json.hourly, [
      [T0, 2],
      [T0 + HOUR, 1],
    ]);
    // 00:00 UTC is 08:00 in UTC+8: the day started 8 hours earlier.
    assert.deepEqual(json.daily, [[T0 - OFFSET, 1]]);
    assert.equal(bucketStart(T0 - OFFSET - 1, 24 * HOUR, OFFSET), T0 - OFFSET - 24 * HOUR);
  });

  test('round-trips through its store serde', () => {
    const tally = new SegmentTally('s', OFFSET);
    tally.enter(dims('Hangzhou', ['auto']), T0);
    const serde = segmentTallySerde(OFFSET);
    assert.deepEqual(serde.deserialize(serde.serialize(tally)).toJSON(), tally.toJSON());
  });

  test('bands ages and calls what it cannot read unknown', () => {
    assert.deepEqual(
      [
        ageBand(18),
        ageBand(25),
        ageBand(44.9),
        ageBand(64),
        ageBand(65),
        ageBand('30'),
        ageBand(-1),
      ],
      ['<25', '25-34', '35-44', '55-64', '65+', 'unknown', 'unknown'],
    );
  });
});

describe('merging tallies', () => {
  test('adds sizes and distributions and carries each part’s size across the other’s buckets', () => {
    const a = new SegmentTally('s', OFFSET);
    const b = new SegmentTally('s', OFFSET);
    a.enter(dims('Hangzhou'), T0);
    b.enter(dims('Wenzhou'), T0 + HOUR);
    b.enter(dims('Hangzhou'), T0 + 2 * HOUR);
    a.exit(dims('Hangzhou'), T0 + 3 * HOUR);
    const merged = mergeTallies('s', [a.toJSON(), b.toJSON()]);
    assert.equal(merged.size, 2);
    assert.deepEqual(merged.dimensions.city, [
      ['Hangzhou', 1],
      ['Wenzhou', 1],
    ]);
    assert.deepEqual(merged.hourly, [
      [T0, 1],
      [T0 + HOUR, 2],
      [T0 + 2 * HOUR, 3],
      [T0 + 3 * HOUR, 2],
    ]);
    // Merging merged parts gives the same answer (instances send their own sums).
    assert.deepEqual(mergeTallies('s', [merged]), merged);
  });
});
