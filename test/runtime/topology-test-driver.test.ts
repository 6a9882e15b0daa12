import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { TouchstreamError } from '../../src/errors/index.js';
import { StreamsBuilder, stringSerde } from '../../src/topology/index.js';
import type { Topology } from '../../src/topology/index.js';
import {
  InMemoryCluster,
  TopologyTestDriver,
  murmur2,
  partitionForKey,
} from '../../src/runtime/index.js';
import type { TopologyTestDriverOptions } from '../../src/runtime/index.js';
import type {
  FiredTimer,
  Processor,
  ProcessorContext,
  StreamRecord,
} from '../../src/operators/index.js';
import { seededRandom } from '../../src/cli/dev/synthetic-events.js';

const { Partitioners } = kafkajs;
const encoder = new TextEncoder();

// --- factories ------------------------------------------------------------------------------------

/** Keys of 0 to 40 characters, some beyond ASCII so multi-byte UTF-8 tails are covered. */
function randomKeys(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:/é€ß漢🚗';
  const chars = [...alphabet];
  return Array.from({ length: count }, () => {
    const length = Math.floor(random() * 41);
    let key = '';
    for (let i = 0; i < length; i += 1) key += chars[Math.floor(random() * chars.length)];
    return key;
  });
}

const kafkajsPartitioner = Partitioners.DefaultPartitioner();
const partitionMetadata = new Map<number, ReturnType<typeof metadataFor>>();

function metadataFor(partitions: number) {
  return Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));
}

/** Where kafkajs' default producer partitioner would put a keyed message. */
function kafkajsPartition(key: string, partitions: number): number {
  let metadata = partitionMetadata.get(partitions);
  if (metadata === undefined) {
    metadata = metadataFor(partitions);
    partitionMetadata.set(partitions, metadata);
  }
  return kafkajsPartitioner({
    topic: 'touches',
    partitionMetadata: metadata,
    message: { key, value: null },
  });
}

async function startDriver(
  t: TestContext,
  topology: Topology,
  options: TopologyTestDriverOptions = {},
): Promise<TopologyTestDriver> {
  // Committing after every record is exercised by the restart tests; elsewhere it only costs time.
  const driver = await TopologyTestDriver.create(topology, {
    backendOverride: 'memory',
    commitEvery: 10_000,
    ...options,
  });
  t.after(() => driver.close());
  return driver;
}

/** A new state directory, removed after the test; after-hooks run first-in first-out, so close drivers on it in the test body. */
async function freshDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'touchstream-driver-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Forwards the record with the coordinates its task read it from. */
class WhereProcessor implements Processor<string, unknown, string, unknown> {
  private context!: ProcessorContext<string, unknown>;
  init(context: ProcessorContext<string, unknown>): void {
    this.context = context;
  }
  process(record: StreamRecord<string, unknown>): void {
    this.context.forward({
      key: record.key,
      value: { ...this.context.recordMetadata(), taskId: this.context.taskId },
      timestamp: record.timestamp,
    });
  }
}

function whereTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream('touches')
    .process(() => new WhereProcessor())
    .to('where');
  return builder.build();
}

/** Words re-keyed and counted: a repartition topic and a changelogged store. */
function wordCountTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('lines')
    .flatMapValues((line) => line.split(' '))
    .selectKey((_key, word) => word)
    .groupByKey()
    .count({ storeName: 'word-counts' })
    .toStream()
    .to('word-counts-out');
  return builder.build();
}

interface Touch {
  customer: string;
  channel: string;
  amount: number;
}

/** Everything the driver must get right at once: a repartition, an aggregate and a stream-table join. */
function campaignTopology(): Topology {
  const builder = new StreamsBuilder();
  const customers = builder.table<{ segment: string }>('customers', { storeName: 'customers' });
  const touches = builder.stream<string, Touch>('touches');
  touches
    .filter((_key, touch) => touch.amount > 0)
    .selectKey((_key, touch) => touch.channel)
    .groupByKey()
    .aggregate(
      () => 0,
      (_channel, touch, total) => total + touch.amount,
      { storeName: 'channel-totals' },
    )
    .toStream()
    .to('channel-totals-out');
  touches
    .leftJoin(customers, (touch, customer) => `${touch.channel}:${customer?.segment ?? '-'}`)
    .to('segmented-touches');
  return builder.build();
}

// --- partitioning ---------------------------------------------------------------------------------

test('partitionForKey picks the partition kafkajs’ default partitioner picks, for 1000 random keys and 1 to 12 partitions', () => {
  const keys = randomKeys(1000, 42);
  const mismatches: string[] = [];
  for (const key of keys) {
    for (let partitions = 1; partitions <= 12; partitions += 1) {
      const expected = kafkajsPartition(key, partitions);
      const actual = partitionForKey(encoder.encode(key), partitions);
      if (actual !== expected)
        mismatches.push(`${JSON.stringify(key)} of ${partitions}: ${actual} != ${expected}`);
    }
  }
  assert.deepEqual(mismatches.slice(0, 10), []);
  // Not trivially all zero: the keys do spread over the partitions.
  assert.equal(new Set(keys.map((key) => partitionForKey(encoder.encode(key), 12))).size, 12);
});

test('murmur2 returns a signed 32-bit hash that matches what kafkajs masks into a partition', () => {
  for (const key of randomKeys(200, 7)) {
    const hash = murmur2(encoder.encode(key));
    assert.equal(hash, hash | 0, `${JSON.stringify(key)} hashes to a 32-bit integer`);
    assert.equal((hash & 0x7fffffff) % 10_007, kafkajsPartition(key, 10_007), JSON.stringify(key));
  }
});

test('the driver hands each keyed record to the task of the partition kafkajs would produce it to', async (t) => {
  const driver = await startDriver(t, whereTopology(), { partitions: 7 });
  const input = driver.createInputTopic<string, number>('touches');
  const keys = randomKeys(150, 3).filter((key) => key.length > 0);
  for (const [i, key] of keys.entries()) await input.pipeInput(key, i, i);

  const records = driver
    .createOutputTopic<string, { partition: number; taskId: string }>('where')
    .readRecords();
  assert.equal(records.length, keys.length);
  for (const record of records) {
    const expected = kafkajsPartition(record.key as string, 7);
    assert.equal(record.value?.partition, expected, JSON.stringify(record.key));
    assert.equal(record.value?.taskId, `0_${expected}`);
    assert.equal(
      record.partition,
      expected,
      'the sink writes the unchanged key to the same partition',
    );
  }
});

test('a record without a key goes to partition 0', async (t) => {
  const driver = await startDriver(t, whereTopology(), { partitions: 5 });
  await driver.createInputTopic('touches').pipeInput(null, 'anonymous', 1);
  assert.deepEqual(driver.createOutputTopic('where').readValues(), [
    { topic: 'touches', partition: 0, offset: 0, taskId: '0_0' },
  ]);
});

// --- co-partitioning ------------------------------------------------------------------------------

function joinTopology(): Topology {
  const builder = new StreamsBuilder();
  const customers = builder.table('customers', { storeName: 'customers' });
  builder
    .stream('quotes')
    .join(customers, (quote, customer) => ({ quote, customer }))
    .to('quotes-with-customer');
  return builder.build();
}

test('a stream-table join over topics with different partition counts fails at create with TS_RUNTIME_NOT_COPARTITIONED', async () => {
  await assert.rejects(
    TopologyTestDriver.create(joinTopology(), {
      backendOverride: 'memory',
      topicPartitions: { quotes: 3, customers: 2 },
    }),
    (error: unknown) => {
      assert.ok(error instanceof TouchstreamError);
      assert.equal(error.code, 'TS_RUNTIME_NOT_COPARTITIONED');
      assert.match(error.message, /customers: 2/);
      assert.match(error.message, /quotes: 3/);
      return true;
    },
  );
});

test('a stream-table join over topics with equal partition counts starts and joins', async (t) => {
  const driver = await startDriver(t, joinTopology(), {
    topicPartitions: { quotes: 3, customers: 3 },
  });
  await driver.createInputTopic('customers').pipeInput('cust-1', 'homeowner', 1);
  await driver.createInputTopic('quotes').pipeInput('cust-1', 'home-quote', 2);
  assert.deepEqual(driver.createOutputTopic('quotes-with-customer').readValues(), [
    { quote: 'home-quote', customer: 'homeowner' },
  ]);
});

test(
  'a re-keyed stream joined with a table sizes its repartition topic to the table’s partition count',
  {},
  async (t) => {
    const builder = new StreamsBuilder();
    const customers = builder.table('customers', { storeName: 'customers' });
    builder
      .stream<string, { customer: string }>('clicks')
      .selectKey((_session, click) => click.customer)
      .join(customers, (click, customer) => ({ click, customer }))
      .to('clicks-with-customer');
    // Kafka Streams sizes a repartition topic in a co-partition group to the group's external topics.
    const driver = await startDriver(t, builder.build(), {
      topicPartitions: { clicks: 6, customers: 3 },
    });
    await driver.createInputTopic('customers').pipeInput('cust-1', 'renter', 1);
    await driver.createInputTopic('clicks').pipeInput('session-1', { customer: 'cust-1' }, 2);
    assert.equal(driver.createOutputTopic('clicks-with-customer').readValues().length, 1);
  },
);

// --- dead letters ---------------------------------------------------------------------------------

test('a value that is not valid JSON goes to the dead letters with its coordinates, and the next record is processed', async (t) => {
  const driver = await startDriver(t, whereTopology(), { partitions: 3 });
  const touches = driver.createInputTopic<string, unknown>('touches');
  const raw = driver.createInputTopic<string, string>('touches', stringSerde, stringSerde);
  const partition = partitionForKey(encoder.encode('cust-1'), 3);

  await touches.pipeInput('cust-1', { channel: 'email' }, 1);
  await raw.pipeInput('cust-1', '{"channel": email}', 2);
  await touches.pipeInput('cust-1', { channel: 'sms' }, 3);

  assert.equal(driver.deadLetters.length, 1);
  const letter = driver.deadLetters[0];
  assert.deepEqual(
    {
      topic: letter.topic,
      partition: letter.partition,
      offset: letter.offset,
      timestamp: letter.timestamp,
      code: letter.code,
      taskId: letter.taskId,
    },
    {
      topic: 'touches',
      partition,
      offset: 1,
      timestamp: 2,
      code: 'TS_RUNTIME_DECODE_FAILED',
      taskId: `0_${partition}`,
    },
  );
  assert.match(letter.message, new RegExp(`touches/${partition}@1`));
  assert.match(letter.message, /value/);
  assert.equal(new TextDecoder().decode(letter.value ?? undefined), '{"channel": email}');
  assert.equal(new TextDecoder().decode(letter.key ?? undefined), 'cust-1');
  assert.match(letter.node, /^KSTREAM-SOURCE-/);
  assert.deepEqual(
    driver
      .createOutputTopic<string, { offset: number }>('where')
      .readValues()
      .map((value) => value?.offset),
    [0, 2],
  );
});

/** Refuses negative amounts with a coded error, and crashes outright on a missing channel. */
class StrictTouchProcessor implements Processor<string, Touch, string, Touch> {
  private context!: ProcessorContext<string, Touch>;
  init(context: ProcessorContext<string, Touch>): void {
    this.context = context;
  }
  process(record: StreamRecord<string, Touch>): void {
    if (record.value.amount < 0) {
      throw new TouchstreamError(
        'TS_TEST_NEGATIVE_AMOUNT',
        `touch for ${record.key} has amount ${record.value.amount}`,
      );
    }
    if (record.value.channel.length === 0) throw new Error('no channel');
    this.context.forward(record);
  }
}

function strictTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, Touch>('touches')
    .process(() => new StrictTouchProcessor(), [], { name: 'strict-touches' })
    .to('accepted-touches');
  return builder.build();
}

const touch = (overrides: Partial<Touch>): Touch => ({
  customer: 'cust-1',
  channel: 'email',
  amount: 1,
  ...overrides,
});

test('a record a processor throws on goes to the dead letters with the error’s code, and the task goes on', async (t) => {
  const driver = await startDriver(t, strictTopology(), { partitions: 2 });
  const touches = driver.createInputTopic<string, Touch>('touches');

  await touches.pipeInput('cust-1', touch({ amount: 5 }), 1);
  await touches.pipeInput('cust-1', touch({ amount: -3 }), 2);
  await touches.pipeInput('cust-1', touch({ channel: '' }), 3);
  await touches.pipeInput('cust-1', touch({ amount: 8 }), 4);

  const partition = partitionForKey(encoder.encode('cust-1'), 2);
  assert.deepEqual(
    driver.deadLetters.map((letter) => ({
      code: letter.code,
      topic: letter.topic,
      partition: letter.partition,
      offset: letter.offset,
      taskId: letter.taskId,
    })),
    [
      {
        code: 'TS_TEST_NEGATIVE_AMOUNT',
        topic: 'touches',
        partition,
        offset: 1,
        taskId: `0_${partition}`,
      },
      { code: 'TS_UNEXPECTED', topic: 'touches', partition, offset: 2, taskId: `0_${partition}` },
    ],
  );
  assert.match(driver.deadLetters[0].message, /amount -3/);
  assert.equal(driver.deadLetters[1].message, 'no channel');
  assert.deepEqual(
    driver
      .createOutputTopic<string, Touch>('accepted-touches')
      .readValues()
      .map((value) => value?.amount),
    [5, 8],
  );
});

test('a dead letter names the processor that threw', {}, async (t) => {
  const driver = await startDriver(t, strictTopology());
  await driver
    .createInputTopic<string, Touch>('touches')
    .pipeInput('cust-1', touch({ amount: -1 }), 1);
  assert.equal(driver.deadLetters.length, 1);
  assert.equal(driver.deadLetters[0].node, 'strict-touches');
});

test('a global table record that cannot be decoded goes to the dead letters', {}, async (t) => {
  const builder = new StreamsBuilder();
  builder.globalTable('marketing-rules', { storeName: 'rules' });
  builder.stream('touches').to('touches-out');
  const driver = await startDriver(t, builder.build());
  await driver
    .createInputTopic<string, string>('marketing-rules', stringSerde, stringSerde)
    .pipeInput('r1', '{"offer": ', 1);
  assert.equal(driver.deadLetters.length, 1);
  assert.equal(driver.deadLetters[0].topic, 'marketing-rules');
  assert.equal(driver.deadLetters[0].code, 'TS_RUNTIME_DECODE_FAILED');
});

// --- determinism ----------------------------------------------------------------------------------

async function runCampaign(
  partitions: number,
): Promise<{ totals: string[]; segmented: string[]; deadLetters: number }> {
  const driver = await TopologyTestDriver.create(campaignTopology(), {
    backendOverride: 'memory',
    partitions,
    commitEvery: 10_000,
  });
  try {
    const random = seededRandom(2024);
    const customers = driver.createInputTopic<string, { segment: string }>('customers');
    const touches = driver.createInputTopic<string, Touch>('touches');
    const segments = ['homeowner', 'renter', 'young-driver', 'landlord'];
    const channels = ['email', 'sms', 'push', 'mail', 'call'];
    let timestamp = 1000;
    for (let i = 0; i < 120; i += 1) {
      timestamp += 1 + Math.floor(random() * 5);
      const customer = `cust-${Math.floor(random() * 25)}`;
      if (random() < 0.2) {
        await customers.pipeInput(
          customer,
          { segment: segments[Math.floor(random() * segments.length)] },
          timestamp,
        );
      } else {
        const channel = channels[Math.floor(random() * channels.length)];
        const amount = Math.floor(random() * 10) - 2;
        await touches.pipeInput(customer, { customer, channel, amount }, timestamp);
      }
    }
    const describe = (records: { key: unknown; value: unknown; timestamp: number }[]) =>
      records.map((record) => JSON.stringify([record.key, record.value, record.timestamp])).sort();
    return {
      totals: describe(driver.createOutputTopic('channel-totals-out').readRecords()),
      segmented: describe(driver.createOutputTopic('segmented-touches').readRecords()),
      deadLetters: driver.deadLetters.length,
    };
  } finally {
    await driver.close();
  }
}

test('outputs are the same records for 1, 3 and 8 partitions once sorted', async () => {
  const one = await runCampaign(1);
  const three = await runCampaign(3);
  const eight = await runCampaign(8);

  assert.equal(one.deadLetters, 0);
  assert.ok(one.totals.length > 50, `only ${one.totals.length} totals`);
  assert.ok(
    one.segmented.some((line) => !line.includes(':-')),
    'some touches found their customer',
  );
  assert.ok(
    one.segmented.some((line) => line.includes(':-')),
    'some touches came before their customer',
  );
  assert.deepEqual(three, one);
  assert.deepEqual(eight, one);
});

// --- restart and restore --------------------------------------------------------------------------

const sentences = [
  'claim filed',
  'quote sent',
  'claim paid',
  'policy renewed',
  'claim closed',
  'quote expired',
];

/** Expected word counts for `sentences`, the way the topology counts them. */
function expectedCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of sentences.join(' ').split(' ')) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

async function countWords(driver: TopologyTestDriver): Promise<void> {
  const lines = driver.createInputTopic<string, string>('lines');
  for (const [i, line] of sentences.entries()) await lines.pipeInput(`line-${i}`, line, i + 1);
}

/** The second driver's stores hold the counts, restored from every record of their changelog. */
function assertRestoredFromChangelog(second: TopologyTestDriver, cluster: InMemoryCluster): void {
  const changelog = cluster.topic('test-app-word-counts-changelog');
  assert.ok(changelog !== undefined, `topics: ${cluster.topicNames().join(', ')}`);
  let restoredTotal = 0;
  for (let partition = 0; partition < 3; partition += 1) {
    const restored = second.restoredCounts(`1_${partition}`);
    assert.equal(restored['word-counts'], changelog.endOffset(partition), `task 1_${partition}`);
    restoredTotal += restored['word-counts'];
  }
  assert.ok(restoredTotal >= expectedCounts().size, `restored ${restoredTotal} records`);
  for (const [word, count] of expectedCounts()) {
    const partition = partitionForKey(encoder.encode(word), 3);
    assert.equal(second.getStore<number>('word-counts', partition).get(word), count, word);
  }
}

test('a restart on the same cluster with a fresh state directory restores the stores from the changelog', async (t) => {
  const first = await TopologyTestDriver.create(wordCountTopology(), { partitions: 3 });
  await countWords(first);
  const cluster = first.cluster;
  await first.close();

  const second = await TopologyTestDriver.create(wordCountTopology(), {
    partitions: 3,
    cluster,
    stateDir: await freshDir(t),
  });
  try {
    assertRestoredFromChangelog(second, cluster);
  } finally {
    await second.close();
  }
});

test('a restart on the same state directory restores nothing past the checkpoint', async (t) => {
  const stateDir = await freshDir(t);
  const cluster = new InMemoryCluster();
  const first = await TopologyTestDriver.create(wordCountTopology(), {
    partitions: 2,
    cluster,
    stateDir,
  });
  await countWords(first);
  await first.close();

  const second = await TopologyTestDriver.create(wordCountTopology(), {
    partitions: 2,
    cluster,
    stateDir,
  });
  try {
    for (const taskId of ['1_0', '1_1'])
      assert.equal(second.restoredCounts(taskId)['word-counts'], 0, taskId);
    for (const [word, count] of expectedCounts()) {
      assert.equal(
        second.getStore<number>('word-counts', partitionForKey(encoder.encode(word), 2)).get(word),
        count,
        word,
      );
    }
  } finally {
    await second.close();
  }
});

test('after a restart on the same cluster the next record adds one to its count', {}, async (t) => {
  const cluster = new InMemoryCluster();
  const first = await TopologyTestDriver.create(wordCountTopology(), {
    backendOverride: 'memory',
    partitions: 3,
    cluster,
  });
  await countWords(first);
  await first.close();

  const second = await startDriver(t, wordCountTopology(), { partitions: 3, cluster });
  await second.createInputTopic<string, string>('lines').pipeInput('line-new', 'claim', 100);

  const claimCount = (expectedCounts().get('claim') ?? 0) + 1;
  assert.equal(
    second
      .getStore<number>('word-counts', partitionForKey(encoder.encode('claim'), 3))
      .get('claim'),
    claimCount,
  );
});

test('a restart on the same cluster reloads global tables from their topic', async (t) => {
  const builder = () => {
    const b = new StreamsBuilder();
    b.globalTable<{ offer: string }>('marketing-rules', { storeName: 'rules' });
    b.stream('touches').to('touches-out');
    return b.build();
  };
  const first = await TopologyTestDriver.create(builder(), { backendOverride: 'memory' });
  const rules = first.createInputTopic<string, { offer: string } | null>('marketing-rules');
  await rules.pipeInput('r1', { offer: 'roadside-assist' }, 1);
  await rules.pipeInput('r2', { offer: 'multi-policy' }, 2);
  await rules.pipeInput('r1', null, 3);
  await first.close();

  const second = await startDriver(t, builder(), { cluster: first.cluster });
  const store = second.getGlobalStore<{ offer: string }>('rules');
  assert.equal(store.get('r1'), undefined);
  assert.deepEqual(store.get('r2'), { offer: 'multi-policy' });
});

// --- timers ---------------------------------------------------------------------------------------

/** Schedules a stream-time reminder 10 ms after each record and a wall-clock one at 1000; emits what fires. */
class ReminderProcessor implements Processor<string, unknown, string, unknown> {
  private context!: ProcessorContext<string, unknown>;
  init(context: ProcessorContext<string, unknown>): void {
    this.context = context;
  }
  process(record: StreamRecord<string, unknown>): void {
    this.context.timers.schedule(record.key, record.timestamp + 10);
    this.context.timers.schedule(record.key, 1000, { clock: 'wall', name: 'nightly' });
  }
  onTimer(timer: FiredTimer): void {
    this.context.forward({
      key: timer.key,
      value: `${timer.clock}@${timer.time}`,
      timestamp: timer.time,
    });
  }
}

function reminderTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream('touches')
    .process(() => new ReminderProcessor())
    .to('reminders');
  return builder.build();
}

test('stream-time timers fire on every task once any partition’s record moves the shared stream time past them', async (t) => {
  const driver = await startDriver(t, reminderTopology(), { partitions: 3 });
  const touches = driver.createInputTopic('touches');
  const reminders = driver.createOutputTopic<string, string>('reminders');
  // cust-1 and cust-4 hash to different partitions of 3.
  assert.notEqual(
    partitionForKey(encoder.encode('cust-1'), 3),
    partitionForKey(encoder.encode('cust-4'), 3),
  );

  await touches.pipeInput('cust-1', 'email', 100);
  await touches.pipeInput('cust-4', 'sms', 109);
  assert.deepEqual(reminders.readKeyValues(), []);
  await touches.pipeInput('cust-4', 'sms', 110);
  assert.deepEqual(reminders.readKeyValues(), [{ key: 'cust-1', value: 'stream@110' }]);
  await driver.advanceStreamTime(125);
  assert.deepEqual(reminders.readKeyValues(), [{ key: 'cust-4', value: 'stream@120' }]);
});

test('advanceWallClockTime fires the wall-clock timers that came due, and only those', async (t) => {
  const driver = await startDriver(t, reminderTopology(), { partitions: 2, wallClockStart: 0 });
  await driver.createInputTopic('touches').pipeInput('cust-1', 'email', 5);
  await driver.createInputTopic('touches').pipeInput('cust-4', 'email', 6);
  const reminders = driver.createOutputTopic<string, string>('reminders');

  await driver.advanceWallClockTime(999);
  assert.deepEqual(reminders.readValues(), []);
  await driver.advanceWallClockTime(1);
  assert.deepEqual(
    reminders.readKeyValues().sort((a, b) => String(a.key).localeCompare(String(b.key))),
    [
      { key: 'cust-1', value: 'wall@1000' },
      { key: 'cust-4', value: 'wall@1000' },
    ],
  );
  assert.equal(driver.currentWallClockTime(), 1000);
});

// --- topic plumbing -------------------------------------------------------------------------------

test(
  'a broadcast topic with fewer partitions than the partitioned input it is merged with can be piped',
  {},
  async (t) => {
    const builder = new StreamsBuilder();
    builder
      .stream('events')
      .merge(builder.stream('campaign-alerts', { delivery: 'broadcast' }))
      .process(() => new WhereProcessor())
      .to('seen-by');
    const driver = await startDriver(t, builder.build(), {
      partitions: 3,
      topicPartitions: { 'campaign-alerts': 1 },
    });
    await driver.createInputTopic('campaign-alerts').pipeInput('storm', 'hail', 1);
    assert.equal(driver.createOutputTopic('seen-by').readRecords().length, 3);
  },
);

test(
  'records written to a topic the topology also reads are processed, as on a real cluster',
  {},
  async (t) => {
    const builder = new StreamsBuilder();
    builder
      .stream('touches')
      .mapValues((value) => ({ touched: value }))
      .to('enriched-touches');
    builder.stream('enriched-touches').to('archived-touches');
    const driver = await startDriver(t, builder.build());
    await driver.createInputTopic('touches').pipeInput('cust-1', 'email', 1);
    assert.deepEqual(driver.createOutputTopic('archived-touches').readValues(), [
      { touched: 'email' },
    ]);
  },
);

test('piping to a topic no source reads fails with TS_RUNTIME_UNKNOWN_TOPIC', async (t) => {
  const driver = await startDriver(t, whereTopology());
  await assert.rejects(driver.createInputTopic('nobody-reads-this').pipeInput('k', 1, 1), {
    code: 'TS_RUNTIME_UNKNOWN_TOPIC',
  });
});

test('a timestamp that is not a finite number is refused with TS_RUNTIME_BAD_TIMESTAMP', async (t) => {
  const driver = await startDriver(t, whereTopology());
  await assert.rejects(driver.createInputTopic('touches').pipeInput('k', 1, Number.NaN), {
    code: 'TS_RUNTIME_BAD_TIMESTAMP',
  });
});

test('taskIds lists one task per partition of each sub-topology', async (t) => {
  const driver = await startDriver(t, wordCountTopology(), { partitions: 2 });
  assert.deepEqual(driver.taskIds(), ['0_0', '0_1', '1_0', '1_1']);
});

// --- topics the topology both writes and reads ----------------------------------------------------

test('a record piped into a topic the topology also writes is processed once, as are the ones it writes there', async (t) => {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('requests')
    .mapValues((value) => `from-request:${value}`)
    .to('loop');
  builder.stream<string, string>('loop').to('seen');
  const driver = await startDriver(t, builder.build(), { partitions: 3 });
  await driver.createInputTopic<string, string>('loop').pipeInput('k1', 'direct', 1);
  await driver.createInputTopic<string, string>('requests').pipeInput('k2', 'r', 2);
  await driver.pipeBatch('loop', [
    { key: encoder.encode('k3'), value: encoder.encode('"batched"'), timestamp: 3 },
  ]);
  assert.deepEqual(driver.createOutputTopic<string, string>('seen').readValues().sort(), [
    'batched',
    'direct',
    'from-request:r',
  ]);
});

/** Logs when it is asked to read ahead and when it processes, so the order can be checked. */
class ReadAheadLog implements Processor<string, string, string, string> {
  readonly log: string[] = [];
  process(record: StreamRecord<string, string>): void {
    this.log.push(`process ${record.key}`);
  }
  readAhead(keys: readonly unknown[]): Promise<void> {
    this.log.push(`read ahead ${keys.join(',')}`);
    return new Promise((resolve) => setImmediate(resolve));
  }
}

test('a batch is read ahead a chunk before it is processed, and a failing read-ahead changes nothing', async (t) => {
  const processors: ReadAheadLog[] = [];
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('in', { keySerde: stringSerde, valueSerde: stringSerde })
    .process(() => {
      const processor = new ReadAheadLog();
      processors.push(processor);
      return processor;
    });
  const driver = await startDriver(t, builder.build(), { partitions: 1 });
  const records = Array.from({ length: 1200 }, (_, i) => ({
    key: encoder.encode(`k${i}`),
    value: encoder.encode(`v${i}`),
    timestamp: i,
  }));
  await driver.pipeBatch('in', records);
  const log = processors[0].log;
  const reads = log.filter((line) => line.startsWith('read ahead'));
  assert.equal(reads.length, 3);
  assert.equal(reads[0].split(',').length, 500);
  assert.equal(reads[2].split(',').length, 200);
  // The second chunk is asked for before the first is processed; every record is processed once, in order.
  assert.ok(log.indexOf(reads[1]) < log.indexOf('process k0'));
  assert.ok(log.indexOf(reads[2]) < log.indexOf('process k500'));
  assert.ok(log.indexOf(reads[2]) > log.indexOf('process k499'));
  const processed = log.filter((line) => line.startsWith('process')).map((line) => line.slice(8));
  assert.deepEqual(
    processed,
    records.map((_, i) => `k${i}`),
  );

  processors[0].readAhead = () => Promise.reject(new Error('disk gone'));
  await driver.pipeBatch('in', records.slice(0, 3));
  assert.equal(log.filter((line) => line.startsWith('process')).length, 1203);
});
