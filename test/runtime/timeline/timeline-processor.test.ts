import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  STORES,
  buildTouchstreamTopology,
  readTimelinePage,
  timelinePrefix,
} from '../../../src/runtime/index.js';
import type { TimelineEntry } from '../../../src/runtime/index.js';
import { DAY, START, delivered, profile, startEngine, tagAdded } from '../support/engine.js';

const vip = { id: 'vip', kind: 'segment', when: { tag: 'vip' } };
const welcome = {
  id: 'welcome-vip',
  kind: 'trigger',
  on: { enter: 'vip' },
  touch: { channel: 'sms', template: 'welcome' },
};

async function timelineOf(engine: Awaited<ReturnType<typeof startEngine>>, customerId: string) {
  const where = engine.driver.queryStore<TimelineEntry>(STORES.timeline, customerId);
  assert.equal(where.kind, 'local');
  if (where.kind !== 'local') throw new Error('unreachable');
  const page = await readTimelinePage(where.store, customerId, { limit: 1_000 });
  return page.entries;
}

test('keeps events, transitions, touches and feedback of a customer, newest first', async () => {
  const engine = await startEngine({ rules: [vip, welcome], partitions: 3 });
  try {
    await engine.event(profile('c1', START, { city: 'Xiamen' }));
    await engine.event(tagAdded('c1', START + 1_000, 'vip'));
    await engine.feedback(delivered('c1', START + 5_000, 'welcome-vip'));
    await engine.feedback(delivered('c1', START + 1_000, 'welcome-vip', 'sent'));
    await engine.event(tagAdded('c2', START + 6_000, 'other'));
    const entries = await timelineOf(engine, 'c1');
    assert.deepEqual(
      entries.map((entry) => [entry.kind, entry.at - START]),
      [
        ['feedback', 5_000],
        ['feedback', 1_000],
        ['touch', 1_000],
        ['transition', 1_000],
        ['event', 1_000],
        ['event', 0],
      ],
    );
    assert.equal(
      entries[1].data.status,
      'sent',
      'at one instant: feedback, touch, transition, event',
    );
    assert.equal(entries[2].data.template, 'welcome');
    assert.equal(entries[3].data.change, 'enter');
    assert.equal(entries[5].data.type, 'customer.profile');
    assert.deepEqual(
      (await timelineOf(engine, 'c2')).map((entry) => entry.kind),
      ['event'],
      'another customer has a timeline of its own',
    );
  } finally {
    await engine.close();
  }
});

test('the same record processed twice is one entry', async () => {
  const engine = await startEngine();
  try {
    const event = tagAdded('c1', START, 'x');
    await engine.event(event);
    await engine.event(event);
    await engine.feedback(delivered('c1', START + 1, 't'));
    await engine.feedback(delivered('c1', START + 1, 't'));
    assert.equal((await timelineOf(engine, 'c1')).length, 2);
  } finally {
    await engine.close();
  }
});

test('keeps at most the newest maxEntries per customer, trimming a quarter over at worst', async () => {
  const engine = await startEngine({ maxEntries: 8 });
  try {
    for (let i = 0; i < 30; i += 1) await engine.event(tagAdded('c1', START + i, `t${i}`));
    const entries = await timelineOf(engine, 'c1');
    assert.ok(entries.length >= 8 && entries.length <= 10, `${entries.length} entries kept`);
    assert.equal(entries[0].data.tag, 't29', 'the newest survive');
    assert.deepEqual(
      entries.slice(0, 8).map((entry) => entry.data.tag),
      ['t29', 't28', 't27', 't26', 't25', 't24', 't23', 't22'],
    );
  } finally {
    await engine.close();
  }
});

test('entries expire after the retention in stream time, even for a customer who goes quiet', async () => {
  const engine = await startEngine({ retentionMs: 10 * DAY });
  try {
    await engine.event(tagAdded('quiet', START, 'a'));
    await engine.event(tagAdded('quiet', START + 2 * DAY, 'b'));
    await engine.event(tagAdded('busy', START + 9 * DAY, 'c'));
    assert.equal((await timelineOf(engine, 'quiet')).length, 2);
    await engine.driver.advanceStreamTime(START + 10 * DAY);
    assert.deepEqual(
      (await timelineOf(engine, 'quiet')).map((entry) => entry.data.tag),
      ['b'],
      'the first expired exactly at its instant',
    );
    await engine.driver.advanceStreamTime(START + 12 * DAY);
    assert.deepEqual(await timelineOf(engine, 'quiet'), []);
    assert.equal((await timelineOf(engine, 'busy')).length, 1);
    await engine.event(tagAdded('quiet', START + 13 * DAY, 'back'));
    await engine.driver.advanceStreamTime(START + 23 * DAY);
    assert.deepEqual(await timelineOf(engine, 'quiet'), [], 'a returning customer expires again');
  } finally {
    await engine.close();
  }
});

test('feedback that is not delivery feedback goes to the dead letters with the reason', async () => {
  const engine = await startEngine();
  try {
    await engine.feedback({ customerId: 'c1', at: START, hello: 'world' });
    assert.equal(engine.driver.deadLetters.length, 1);
    assert.equal(engine.driver.deadLetters[0].code, 'TS_RUNTIME_TIMELINE_RECORD');
    assert.match(engine.driver.deadLetters[0].message, /delivery-feedback\.avsc/);
  } finally {
    await engine.close();
  }
});

test('an event the rule engine refuses never reaches the timeline', async () => {
  const engine = await startEngine();
  try {
    await engine.event({ type: 'tag.added', id: 'bad', ts: START, customerId: 'c1' });
    assert.equal(engine.driver.deadLetters.length, 1);
    assert.deepEqual(await timelineOf(engine, 'c1'), []);
  } finally {
    await engine.close();
  }
});

test('pages follow one another without gaps or repeats, and stop at the end', async () => {
  const engine = await startEngine();
  try {
    for (let i = 0; i < 7; i += 1) await engine.event(tagAdded('c1', START + i, `t${i}`));
    const where = engine.driver.queryStore<TimelineEntry>(STORES.timeline, 'c1');
    if (where.kind !== 'local') throw new Error('the driver answers locally');
    const seen: unknown[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await readTimelinePage(where.store, 'c1', { after, limit: 3 });
      seen.push(...page.entries.map((entry) => entry.data.tag));
      after = page.next;
      pages += 1;
    } while (after !== undefined);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['t6', 't5', 't4', 't3', 't2', 't1', 't0']);
  } finally {
    await engine.close();
  }
});

test('a customer id with NUL characters cannot read another customer entries', () => {
  const prefix = timelinePrefix('a');
  assert.ok(!timelinePrefix('a\u0000').startsWith(prefix));
  assert.ok(!timelinePrefix('a\u0000\u0000b').startsWith(prefix));
  assert.notEqual(timelinePrefix('a\u0000b'), timelinePrefix('a\u0001b'));
});

test('describe() shows the timeline fed by events, transitions, touches and feedback', () => {
  const described = buildTouchstreamTopology({ timeline: {} }).topology.describe();
  assert.match(
    described,
    /Source: delivery-feedback \(topics: \[touchstream\.delivery-feedback\]\)/,
  );
  assert.match(described, /Processor: timeline \(stores: \[timeline\]\)/);
  assert.match(
    described,
    /Processor: transitions \(stores: \[\]\)\n {6}--> transitions-out, timeline/,
  );
  assert.match(described, /Stores: customers \(leveldb\), .*timeline \(leveldb\)/);
  assert.doesNotMatch(buildTouchstreamTopology().topology.describe(), /timeline|feedback/);
});
