import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import {
  StreamsBuilder,
  TopologyError,
  float64Serde,
  jsonSerde,
  stringSerde,
} from '../../src/topology/index.js';
import type { Partitioner, Topology } from '../../src/topology/index.js';
import { TopologyTestDriver, partitionForKey } from '../../src/runtime/index.js';
import type { TopologyTestDriverOptions } from '../../src/runtime/index.js';
import type { Processor, ProcessorContext, StreamRecord } from '../../src/operators/index.js';
import type { Serde } from '../../src/state/index.js';

// --- factories ------------------------------------------------------------------------------------

interface Claim {
  policy: string;
  kind: 'auto' | 'home' | 'travel';
  amount: number;
}

function claim(overrides: Partial<Claim> = {}): Claim {
  return { policy: 'P-1', kind: 'auto', amount: 500, ...overrides };
}

const encoder = new TextEncoder();

/** A driver on in-memory stores, closed when the test ends. */
async function startDriver(
  t: TestContext,
  topology: Topology,
  options: TopologyTestDriverOptions = {},
): Promise<TopologyTestDriver> {
  const driver = await TopologyTestDriver.create(topology, {
    backendOverride: 'memory',
    ...options,
  });
  t.after(() => driver.close());
  return driver;
}

/** Pipes [key, value] pairs with timestamps 1, 2, 3, ... */
async function pipeAll<V>(
  driver: TopologyTestDriver,
  topic: string,
  records: readonly (readonly [string | null, V | null])[],
): Promise<void> {
  const input = driver.createInputTopic<string, V>(topic);
  let timestamp = 0;
  for (const [key, value] of records) {
    timestamp += 1;
    await input.pipeInput(key, value, timestamp);
  }
}

/** The part of each record of an output topic a DSL test cares about. */
function keyValues<V = unknown>(
  driver: TopologyTestDriver,
  topic: string,
  valueSerde: Serde<V> = jsonSerde as Serde<V>,
): [string | null, V | null][] {
  return driver
    .createOutputTopic<string, V>(topic, stringSerde, valueSerde)
    .readKeyValues()
    .map(({ key, value }) => [key, value]);
}

/** Forwards what the processor saw, with the task and partition that ran it, as the value. */
class WhereProcessor implements Processor<string, unknown, string, unknown> {
  private context!: ProcessorContext<string, unknown>;
  init(context: ProcessorContext<string, unknown>): void {
    this.context = context;
  }
  process(record: StreamRecord<string, unknown>): void {
    this.context.forward({
      key: record.key,
      value: { seen: record.value, taskId: this.context.taskId, partition: this.context.partition },
      timestamp: record.timestamp,
    });
  }
}

function expectTopologyError(build: () => unknown, code: string, message: RegExp): void {
  assert.throws(build, (error: unknown) => {
    assert.ok(error instanceof TopologyError, `expected a TopologyError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

// --- stateless operators --------------------------------------------------------------------------

test('filter keeps the records its predicate accepts and filterNot keeps the others', async (t) => {
  const builder = new StreamsBuilder();
  const claims = builder.stream<string, Claim>('claims');
  claims.filter((_key, value) => value.amount >= 1000).to('large-claims');
  claims.filterNot((_key, value) => value.amount >= 1000).to('small-claims');
  const driver = await startDriver(t, builder.build());

  await pipeAll(driver, 'claims', [
    ['c1', claim({ amount: 200 })],
    ['c2', claim({ amount: 1000 })],
    ['c3', claim({ amount: 4500 })],
  ]);

  assert.deepEqual(keyValues(driver, 'large-claims'), [
    ['c2', claim({ amount: 1000 })],
    ['c3', claim({ amount: 4500 })],
  ]);
  assert.deepEqual(keyValues(driver, 'small-claims'), [['c1', claim({ amount: 200 })]]);
});

test('map replaces key and value and keeps the timestamp and headers', async (t) => {
  const builder = new StreamsBuilder();
  builder
    .stream<string, Claim>('claims')
    .map((key, value) => ({ key: value.policy, value: `${key}:${value.amount}` }))
    .to('claims-by-policy');
  const driver = await startDriver(t, builder.build());

  await driver
    .createInputTopic<string, Claim>('claims')
    .pipeInput('c1', claim({ policy: 'P-9', amount: 75 }), 1234, { 'correlation-id': 'abc' });

  const records = driver.createOutputTopic('claims-by-policy').readRecords();
  assert.deepEqual(
    records.map((record) => [record.key, record.value, record.timestamp, record.headers]),
    [['P-9', 'c1:75', 1234, { 'correlation-id': 'abc' }]],
  );
});

test('mapValues changes the value only, handing the mapper the key', async (t) => {
  const builder = new StreamsBuilder();
  builder
    .stream<string, Claim>('claims')
    .mapValues((value, key) => ({ claim: key, cents: value.amount * 100 }))
    .to('claim-cents');
  const driver = await startDriver(t, builder.build(), { partitions: 3 });

  await pipeAll(driver, 'claims', [
    ['c1', claim({ amount: 12 })],
    ['c2', claim({ amount: 7 })],
  ]);

  const records = driver.createOutputTopic('claim-cents').readRecords();
  const byKey = new Map(records.map((record) => [record.key, record]));
  assert.deepEqual(byKey.get('c1')?.value, { claim: 'c1', cents: 1200 });
  assert.deepEqual(byKey.get('c2')?.value, { claim: 'c2', cents: 700 });
  // The key did not change, so the record stays on the partition its key hashes to.
  assert.equal(byKey.get('c1')?.partition, partitionForKey(encoder.encode('c1'), 3));
  assert.equal(byKey.get('c2')?.partition, partitionForKey(encoder.encode('c2'), 3));
});

test('selectKey before an aggregation repartitions by the new key, so counts are whole with 3 partitions', async (t) => {
  const builder = new StreamsBuilder();
  builder
    .stream<string, Claim>('claims')
    .selectKey((_key, value) => value.policy)
    .groupByKey()
    .count({ storeName: 'claims-per-policy' })
    .toStream()
    .to('claim-counts');
  const topology = builder.build();

  assert.equal(topology.subTopologies.length, 2);
  assert.equal(topology.definition.repartitionTopics.length, 1);
  const repartitionTopic = topology.definition.repartitionTopics[0];
  assert.match(repartitionTopic, /^KSTREAM-REPARTITION-\d{10}-repartition$/);
  assert.ok(topology.describe().includes(`(topic: ${repartitionTopic})`), topology.describe());
  assert.ok(topology.describe().includes(`(topics: [${repartitionTopic}])`), topology.describe());

  const driver = await startDriver(t, topology, { partitions: 3 });
  // Claim ids spread over every partition; policies must be counted whole anyway.
  const expected: Record<string, number> = { 'P-1': 0, 'P-2': 0, 'P-3': 0 };
  const records: [string, Claim][] = [];
  for (let i = 0; i < 30; i += 1) {
    const policy = i % 7 === 0 ? 'P-1' : `P-${(i % 3) + 1}`;
    expected[policy] += 1;
    records.push([`claim-${i}`, claim({ policy })]);
  }
  await pipeAll(driver, 'claims', records);

  const latest = new Map<string | null, number | null>();
  for (const [key, value] of keyValues<number>(driver, 'claim-counts', float64Serde)) {
    latest.set(key, value);
  }
  assert.deepEqual(Object.fromEntries(latest), expected);
  for (const [policy, count] of Object.entries(expected)) {
    const home = partitionForKey(encoder.encode(policy), 3);
    for (let partition = 0; partition < 3; partition += 1) {
      const stored = driver.getStore<number>('claims-per-policy', partition).get(policy);
      assert.equal(
        stored,
        partition === home ? count : undefined,
        `${policy} on partition ${partition}`,
      );
    }
  }
});

test('groupByKey without a key change aggregates in place, with no repartition topic', () => {
  const builder = new StreamsBuilder();
  builder
    .stream<string, Claim>('claims')
    .filter((_key, value) => value.amount > 0)
    .mapValues((value) => value.amount)
    .groupByKey()
    .count({ storeName: 'claims-per-key' });
  const topology = builder.build();

  assert.equal(topology.subTopologies.length, 1);
  assert.deepEqual(topology.definition.repartitionTopics, []);
  assert.doesNotMatch(topology.describe(), /repartition/);
});

test('flatMap turns one record into several with keys of their own', async (t) => {
  const builder = new StreamsBuilder();
  builder
    .stream<string, { policies: string[]; amount: number }>('bundles')
    .flatMap((bundle, value) =>
      value.policies.map((policy) => ({ key: policy, value: { bundle, amount: value.amount } })),
    )
    .to('bundle-lines');
  const driver = await startDriver(t, builder.build());

  await pipeAll(driver, 'bundles', [
    ['B-1', { policies: ['P-1', 'P-2'], amount: 10 }],
    ['B-2', { policies: [], amount: 99 }],
    ['B-3', { policies: ['P-3'], amount: 5 }],
  ]);

  assert.deepEqual(keyValues(driver, 'bundle-lines'), [
    ['P-1', { bundle: 'B-1', amount: 10 }],
    ['P-2', { bundle: 'B-1', amount: 10 }],
    ['P-3', { bundle: 'B-3', amount: 5 }],
  ]);
});

test('flatMapValues emits one record per value under the same key, and none for an empty result', async (t) => {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('coverage-lists')
    .flatMapValues((value) => (value === '' ? [] : value.split(',')))
    .to('coverages');
  const driver = await startDriver(t, builder.build());

  await pipeAll(driver, 'coverage-lists', [
    ['P-1', 'fire,theft'],
    ['P-2', ''],
    ['P-3', 'flood'],
  ]);

  assert.deepEqual(keyValues(driver, 'coverages'), [
    ['P-1', 'fire'],
    ['P-1', 'theft'],
    ['P-3', 'flood'],
  ]);
});

test('peek sees every record and passes it on unchanged', async (t) => {
  const seen: [string, number][] = [];
  const builder = new StreamsBuilder();
  builder
    .stream<string, number>('premiums')
    .peek((key, value) => {
      seen.push([key, value]);
    })
    .to('premiums-out');
  const driver = await startDriver(t, builder.build());

  await pipeAll(driver, 'premiums', [
    ['P-1', 120],
    ['P-2', 80],
  ]);

  assert.deepEqual(seen, [
    ['P-1', 120],
    ['P-2', 80],
  ]);
  assert.deepEqual(keyValues(driver, 'premiums-out'), seen);
});

test('branch sends each record to the first predicate it satisfies and drops records that satisfy none', async (t) => {
  const builder = new StreamsBuilder();
  const [large, auto] = builder.stream<string, Claim>('claims').branch(
    (_key, value) => value.amount >= 1000,
    (_key, value) => value.kind === 'auto',
  );
  large.to('large-claims');
  auto.to('auto-claims');
  const driver = await startDriver(t, builder.build());

  await pipeAll(driver, 'claims', [
    ['c1', claim({ kind: 'auto', amount: 5000 })],
    ['c2', claim({ kind: 'auto', amount: 10 })],
    ['c3', claim({ kind: 'home', amount: 10 })],
    ['c4', claim({ kind: 'home', amount: 2000 })],
  ]);

  assert.deepEqual(
    keyValues(driver, 'large-claims').map(([key]) => key),
    ['c1', 'c4'],
  );
  assert.deepEqual(
    keyValues(driver, 'auto-claims').map(([key]) => key),
    ['c2'],
  );
});

test('merge combines two streams into one', async (t) => {
  const builder = new StreamsBuilder();
  const web = builder.stream<string, string>('web-visits');
  const app = builder.stream<string, string>('app-visits');
  web
    .merge(app)
    .mapValues((page) => page.toUpperCase())
    .to('visits');
  const driver = await startDriver(t, builder.build());

  const webInput = driver.createInputTopic<string, string>('web-visits');
  const appInput = driver.createInputTopic<string, string>('app-visits');
  await webInput.pipeInput('cust-1', 'quote', 1);
  await appInput.pipeInput('cust-2', 'claim', 2);
  await webInput.pipeInput('cust-1', 'renew', 3);

  assert.deepEqual(keyValues(driver, 'visits'), [
    ['cust-1', 'QUOTE'],
    ['cust-2', 'CLAIM'],
    ['cust-1', 'RENEW'],
  ]);
});

test('repartition writes to a named internal topic so records reach the task of their new key', async (t) => {
  const builder = new StreamsBuilder();
  builder
    .stream<string, Claim>('claims')
    .selectKey((_key, value) => value.policy)
    .repartition({ name: 'claims-by-policy' })
    .process(() => new WhereProcessor())
    .to('located');
  const topology = builder.build();
  assert.deepEqual(topology.definition.repartitionTopics, ['claims-by-policy-repartition']);

  const driver = await startDriver(t, topology, { partitions: 4 });
  const policies = ['P-1', 'P-2', 'P-3', 'P-4', 'P-5', 'P-6'];
  await pipeAll(
    driver,
    'claims',
    policies.map((policy, i) => [`claim-${i}`, claim({ policy })] as const),
  );

  const internal = driver.cluster.topic('test-app-claims-by-policy-repartition');
  assert.ok(internal !== undefined, `topics: ${driver.cluster.topicNames().join(', ')}`);
  assert.equal(internal.partitionCount, 4);
  const decoder = new TextDecoder();
  for (let partition = 0; partition < 4; partition += 1) {
    for (const record of internal.read(partition)) {
      const key = decoder.decode(record.key ?? new Uint8Array(0));
      assert.equal(
        partition,
        partitionForKey(encoder.encode(key), 4),
        `${key} in partition ${partition}`,
      );
    }
  }
  const located = driver
    .createOutputTopic<string, { partition: number; taskId: string }>('located')
    .readRecords();
  assert.equal(located.length, policies.length);
  for (const record of located) {
    const home = partitionForKey(encoder.encode(record.key as string), 4);
    assert.equal(record.value?.partition, home, `${record.key}`);
    assert.equal(record.value?.taskId, `1_${home}`);
  }
});

// --- stateful operators ---------------------------------------------------------------------------

test('aggregate folds each value into the key’s aggregate, stores it and emits every update', async (t) => {
  const builder = new StreamsBuilder();
  builder
    .stream<string, Claim>('claims')
    .groupByKey()
    .aggregate(
      () => ({ claims: 0, total: 0 }),
      (_policy, value, aggregate) => ({
        claims: aggregate.claims + 1,
        total: aggregate.total + value.amount,
      }),
      { storeName: 'claim-totals' },
    )
    .toStream()
    .to('claim-totals-out');
  // On LevelDB, the default backend, rather than the in-memory override.
  const driver = await startDriver(t, builder.build(), { backendOverride: undefined });

  await pipeAll(driver, 'claims', [
    ['P-1', claim({ amount: 100 })],
    ['P-2', claim({ amount: 40 })],
    ['P-1', claim({ amount: 25 })],
  ]);

  assert.deepEqual(keyValues(driver, 'claim-totals-out'), [
    ['P-1', { claims: 1, total: 100 }],
    ['P-2', { claims: 1, total: 40 }],
    ['P-1', { claims: 2, total: 125 }],
  ]);
  const store = driver.getStore<{ claims: number; total: number }>('claim-totals');
  assert.deepEqual(store.get('P-1'), { claims: 2, total: 125 });
  assert.deepEqual(store.get('P-2'), { claims: 1, total: 40 });
});

test('reduce takes a key’s first value as its aggregate and combines the later ones', async (t) => {
  const builder = new StreamsBuilder();
  builder
    .stream<string, Claim>('claims')
    .groupByKey()
    .reduce((largest, next) => (next.amount > largest.amount ? next : largest), {
      storeName: 'largest-claim',
    })
    .toStream()
    .to('largest-claims');
  const driver = await startDriver(t, builder.build());

  await pipeAll(driver, 'claims', [
    ['P-1', claim({ kind: 'home', amount: 300 })],
    ['P-1', claim({ kind: 'auto', amount: 100 })],
    ['P-1', claim({ kind: 'travel', amount: 900 })],
  ]);

  assert.deepEqual(
    keyValues<Claim>(driver, 'largest-claims').map(([, value]) => value?.kind),
    ['home', 'home', 'travel'],
  );
  assert.deepEqual(
    driver.getStore<Claim>('largest-claim').get('P-1'),
    claim({ kind: 'travel', amount: 900 }),
  );
});

test('count counts records per key as float64 and skips records without a value', async (t) => {
  const builder = new StreamsBuilder();
  builder
    .stream<string, Claim>('claims')
    .groupByKey()
    .count({ storeName: 'claim-count' })
    .toStream()
    .to('claim-count-out');
  const driver = await startDriver(t, builder.build(), { backendOverride: undefined });

  await pipeAll(driver, 'claims', [
    ['P-1', claim()],
    ['P-1', null],
    ['P-2', claim()],
    ['P-1', claim()],
  ]);

  assert.deepEqual(keyValues(driver, 'claim-count-out', float64Serde), [
    ['P-1', 1],
    ['P-2', 1],
    ['P-1', 2],
  ]);
  assert.equal(driver.getStore<number>('claim-count').get('P-1'), 2);
});

test('toTable keeps the latest value per key, a null deleting it, and KTable.toStream emits each change', async (t) => {
  const builder = new StreamsBuilder();
  const statuses = builder
    .stream<string, string>('policy-status')
    .toTable({ storeName: 'policy-status' });
  statuses.toStream().to('policy-status-changes');
  assert.equal(statuses.storeName, 'policy-status');
  const driver = await startDriver(t, builder.build());

  await pipeAll(driver, 'policy-status', [
    ['P-1', 'active'],
    ['P-2', 'active'],
    ['P-1', 'lapsed'],
    ['P-2', null],
  ]);

  const store = driver.getStore<string>('policy-status');
  assert.equal(store.get('P-1'), 'lapsed');
  assert.equal(store.get('P-2'), undefined);
  assert.deepEqual(keyValues(driver, 'policy-status-changes'), [
    ['P-1', 'active'],
    ['P-2', 'active'],
    ['P-1', 'lapsed'],
    ['P-2', null],
  ]);
});

test('builder.table materializes a topic in the named store', async (t) => {
  const builder = new StreamsBuilder();
  builder.table<{ segment: string }>('customers', { storeName: 'customers' });
  const driver = await startDriver(t, builder.build(), { partitions: 2 });

  await pipeAll(driver, 'customers', [
    ['cust-1', { segment: 'young-driver' }],
    ['cust-2', { segment: 'homeowner' }],
    ['cust-1', { segment: 'family' }],
  ]);

  const storeOf = (key: string) =>
    driver.getStore<{ segment: string }>('customers', partitionForKey(encoder.encode(key), 2));
  assert.deepEqual(storeOf('cust-1').get('cust-1'), { segment: 'family' });
  assert.deepEqual(storeOf('cust-2').get('cust-2'), { segment: 'homeowner' });
});

test('a stream-table join pairs records with the table’s current value and drops keys the table lacks', async (t) => {
  const builder = new StreamsBuilder();
  const customers = builder.table<{ segment: string }>('customers', { storeName: 'customers' });
  builder
    .stream<string, { page: string }>('visits')
    .join(customers, (visit, customer) => ({ page: visit.page, segment: customer?.segment }))
    .to('targeted-visits');
  const driver = await startDriver(t, builder.build(), { partitions: 3 });
  const customersIn = driver.createInputTopic<string, { segment: string }>('customers');
  const visits = driver.createInputTopic<string, { page: string }>('visits');

  await visits.pipeInput('cust-1', { page: 'home' }, 1);
  await customersIn.pipeInput('cust-1', { segment: 'homeowner' }, 2);
  await visits.pipeInput('cust-1', { page: 'quote' }, 3);
  await visits.pipeInput('cust-2', { page: 'claims' }, 4);
  await customersIn.pipeInput('cust-1', { segment: 'landlord' }, 5);
  await visits.pipeInput('cust-1', { page: 'renew' }, 6);

  assert.deepEqual(keyValues(driver, 'targeted-visits'), [
    ['cust-1', { page: 'quote', segment: 'homeowner' }],
    ['cust-1', { page: 'renew', segment: 'landlord' }],
  ]);
});

test('a stream-table leftJoin keeps records the table lacks, handing the joiner undefined', async (t) => {
  const builder = new StreamsBuilder();
  const customers = builder.table<{ segment: string }>('customers', { storeName: 'customers' });
  builder
    .stream<string, { page: string }>('visits')
    .leftJoin(customers, (visit, customer) => ({
      page: visit.page,
      segment: customer?.segment ?? 'unknown',
    }))
    .to('targeted-visits');
  const driver = await startDriver(t, builder.build(), { partitions: 3 });

  await driver
    .createInputTopic<string, { segment: string }>('customers')
    .pipeInput('cust-1', { segment: 'homeowner' }, 1);
  await pipeAll(driver, 'visits', [
    ['cust-1', { page: 'quote' }],
    ['cust-2', { page: 'claims' }],
  ]);

  const byKey = Object.fromEntries(keyValues(driver, 'targeted-visits'));
  assert.deepEqual(byKey, {
    'cust-1': { page: 'quote', segment: 'homeowner' },
    'cust-2': { page: 'claims', segment: 'unknown' },
  });
});

test('a stream re-keyed before a join is repartitioned so it meets the table on the same task', async (t) => {
  const builder = new StreamsBuilder();
  const customers = builder.table<{ segment: string }>('customers', { storeName: 'customers' });
  builder
    .stream<string, { customer: string; page: string }>('visits-by-session')
    .selectKey((_session, visit) => visit.customer)
    .join(customers, (visit, customer) => `${visit.page}/${customer?.segment}`)
    .to('targeted-visits');
  const topology = builder.build();
  assert.equal(topology.definition.repartitionTopics.length, 1);
  const driver = await startDriver(t, topology, { partitions: 3 });

  await pipeAll(driver, 'customers', [
    ['cust-1', { segment: 'homeowner' }],
    ['cust-2', { segment: 'renter' }],
  ]);
  await pipeAll(driver, 'visits-by-session', [
    ['session-a', { customer: 'cust-1', page: 'quote' }],
    ['session-b', { customer: 'cust-2', page: 'claims' }],
    ['session-c', { customer: 'cust-1', page: 'renew' }],
  ]);

  assert.deepEqual(keyValues(driver, 'targeted-visits').sort(), [
    ['cust-1', 'quote/homeowner'],
    ['cust-1', 'renew/homeowner'],
    ['cust-2', 'claims/renter'],
  ]);
});

// --- processor API --------------------------------------------------------------------------------

/** Forwards only the first record of each key; remembers the keys in its store. */
class FirstTouchProcessor implements Processor<string, unknown, string, unknown> {
  private context!: ProcessorContext<string, unknown>;
  init(context: ProcessorContext<string, unknown>): void {
    this.context = context;
  }
  process(record: StreamRecord<string, unknown>): void {
    const seen = this.context.getStore<number>('first-touch');
    if (seen.get(record.key) !== undefined) return;
    seen.put(record.key, record.timestamp);
    this.context.forward(record);
  }
}

test('process runs a custom processor connected to a store it declared', async (t) => {
  const builder = new StreamsBuilder();
  builder.addStore({ name: 'first-touch', valueSerde: float64Serde });
  builder
    .stream<string, string>('touches')
    .process(() => new FirstTouchProcessor(), ['first-touch'])
    .to('first-touches');
  const driver = await startDriver(t, builder.build());

  await pipeAll(driver, 'touches', [
    ['cust-1', 'email'],
    ['cust-2', 'sms'],
    ['cust-1', 'push'],
  ]);

  assert.deepEqual(keyValues(driver, 'first-touches'), [
    ['cust-1', 'email'],
    ['cust-2', 'sms'],
  ]);
  const store = driver.getStore<number>('first-touch');
  assert.equal(store.get('cust-1'), 1);
  assert.equal(store.get('cust-2'), 2);
});

test('to places records with a custom partitioner, handing it the key bytes and the partition count', async (t) => {
  const calls: [string | null, number][] = [];
  const byRegion: Partitioner = (keyBytes, numPartitions) => {
    const key = keyBytes === null ? null : new TextDecoder().decode(keyBytes);
    calls.push([key, numPartitions]);
    if (key === null) return 0;
    return key.startsWith('north-') ? 1 : key.startsWith('south-') ? 2 : 3;
  };
  const builder = new StreamsBuilder();
  builder.stream<string, string>('leads').to('leads-by-region', { partitioner: byRegion });
  const driver = await startDriver(t, builder.build(), {
    topicPartitions: { 'leads-by-region': 4 },
  });

  await pipeAll(driver, 'leads', [
    ['north-1', 'a'],
    ['south-1', 'b'],
    ['west-1', 'c'],
    [null, 'd'],
  ]);

  const placed = driver
    .createOutputTopic('leads-by-region')
    .readRecords()
    .map((record) => [record.key, record.partition]);
  assert.deepEqual(
    placed.sort((a, b) => Number(a[1]) - Number(b[1])),
    [
      [null, 0],
      ['north-1', 1],
      ['south-1', 2],
      ['west-1', 3],
    ],
  );
  assert.deepEqual(calls, [
    ['north-1', 4],
    ['south-1', 4],
    ['west-1', 4],
    [null, 4],
  ]);
});

/** Reads a store it was never connected to. */
class SneakyProcessor implements Processor<string, unknown, string, unknown> {
  private context!: ProcessorContext<string, unknown>;
  init(context: ProcessorContext<string, unknown>): void {
    this.context = context;
  }
  process(record: StreamRecord<string, unknown>): void {
    this.context.getStore<number>('first-touch').get(record.key);
    this.context.forward(record);
  }
}

test('a processor reading a store it is not connected to sends the record to the dead letters', async (t) => {
  const builder = new StreamsBuilder();
  builder.addStore({ name: 'first-touch', valueSerde: float64Serde });
  const touches = builder.stream<string, string>('touches');
  touches.process(() => new FirstTouchProcessor(), ['first-touch']);
  touches.process(() => new SneakyProcessor(), [], { name: 'sneaky' }).to('sneaked');
  const driver = await startDriver(t, builder.build());

  await pipeAll(driver, 'touches', [['cust-1', 'email']]);

  assert.equal(driver.deadLetters.length, 1);
  assert.equal(driver.deadLetters[0].code, 'TS_OPERATOR_STORE_NOT_CONNECTED');
  assert.match(driver.deadLetters[0].message, /sneaky.*"first-touch"/);
  assert.deepEqual(keyValues(driver, 'sneaked'), []);
});

test(
  'a stream re-keyed by a custom processor is repartitioned before an aggregation',
  {},
  async (t) => {
    class ByPolicy implements Processor<string, Claim, string, Claim> {
      private context!: ProcessorContext<string, Claim>;
      init(context: ProcessorContext<string, Claim>): void {
        this.context = context;
      }
      process(record: StreamRecord<string, Claim>): void {
        this.context.forward({ ...record, key: record.value.policy });
      }
    }
    const builder = new StreamsBuilder();
    builder
      .stream<string, Claim>('claims')
      .process(() => new ByPolicy())
      .groupByKey()
      .count({ storeName: 'claims-per-policy' });
    const driver = await startDriver(t, builder.build(), { partitions: 3 });
    await pipeAll(
      driver,
      'claims',
      ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((id) => [id, claim({ policy: 'P-1' })] as const),
    );
    assert.equal(
      driver
        .getStore<number>('claims-per-policy', partitionForKey(encoder.encode('P-1'), 3))
        .get('P-1'),
      6,
    );
  },
);

// --- global tables and broadcast ------------------------------------------------------------------

interface OfferRule {
  offer: string;
}

/** Looks the record's rule up in the global table and remembers every global update it is told of. */
class RuleLookupProcessor implements Processor<string, { rule: string }, string, unknown> {
  private context!: ProcessorContext<string, unknown>;
  constructor(
    private readonly updates: {
      taskId: string;
      table: string;
      key: string;
      value: unknown;
      timestamp: number;
    }[],
  ) {}
  init(context: ProcessorContext<string, unknown>): void {
    this.context = context;
  }
  process(record: StreamRecord<string, { rule: string }>): void {
    const rule = this.context.getGlobalStore<OfferRule>('rules').get(record.value.rule);
    this.context.forward({
      key: record.key,
      value: rule?.offer ?? 'none',
      timestamp: record.timestamp,
    });
  }
  onGlobalUpdate(table: string, record: StreamRecord<string, unknown>): void {
    this.updates.push({
      taskId: this.context.taskId,
      table,
      key: record.key,
      value: record.value,
      timestamp: record.timestamp,
    });
  }
}

test('a global table is readable from a processor and its updates reach onGlobalUpdate on every task', async (t) => {
  const updates: ConstructorParameters<typeof RuleLookupProcessor>[0] = [];
  const builder = new StreamsBuilder();
  builder.globalTable<OfferRule>('marketing-rules', { storeName: 'rules' });
  builder
    .stream<string, { rule: string }>('events')
    .process(() => new RuleLookupProcessor(updates), [], { globalTables: ['rules'] })
    .to('offers');
  const driver = await startDriver(t, builder.build(), { partitions: 3 });
  const rules = driver.createInputTopic<string, OfferRule>('marketing-rules');

  await rules.pipeInput('r1', { offer: 'roadside-assist' }, 10);

  assert.deepEqual(updates.map((update) => update.taskId).sort(), ['0_0', '0_1', '0_2']);
  for (const update of updates) {
    assert.deepEqual(
      { table: update.table, key: update.key, value: update.value, timestamp: update.timestamp },
      { table: 'rules', key: 'r1', value: { offer: 'roadside-assist' }, timestamp: 10 },
    );
  }
  assert.deepEqual(driver.getGlobalStore<OfferRule>('rules').get('r1'), {
    offer: 'roadside-assist',
  });

  // Keys chosen to land on different partitions: every task reads the same global store.
  const customers = ['cust-1', 'cust-4', 'cust-12', 'cust-2'];
  assert.equal(new Set(customers.map((key) => partitionForKey(encoder.encode(key), 3))).size, 3);
  await pipeAll(
    driver,
    'events',
    customers.map((customer) => [customer, { rule: 'r1' }] as const),
  );
  assert.deepEqual(
    keyValues(driver, 'offers').map(([, value]) => value),
    customers.map(() => 'roadside-assist'),
  );

  updates.length = 0;
  await rules.pipeInput('r1', null, 20);
  assert.equal(updates.length, 3);
  assert.ok(updates.every((update) => update.key === 'r1' && update.value === undefined));
  await driver
    .createInputTopic<string, { rule: string }>('events')
    .pipeInput('cust-1', { rule: 'r1' }, 21);
  assert.deepEqual(keyValues(driver, 'offers'), [['cust-1', 'none']]);
});

test('a broadcast source delivers every record to the task of every partition', async (t) => {
  const builder = new StreamsBuilder();
  const events = builder.stream<string, string>('events');
  const alerts = builder.stream<string, string>('campaign-alerts', { delivery: 'broadcast' });
  events
    .merge(alerts)
    .process(() => new WhereProcessor())
    .to('seen-by');
  const driver = await startDriver(t, builder.build(), { partitions: 4 });

  await driver
    .createInputTopic<string, string>('campaign-alerts')
    .pipeInput('storm-warning', 'hail', 1);
  await driver.createInputTopic<string, string>('events').pipeInput('cust-1', 'visit', 2);

  const seen = driver
    .createOutputTopic<string, { seen: string; taskId: string }>('seen-by')
    .readRecords()
    .map((record) => `${record.value?.seen}@${record.value?.taskId}`)
    .sort();
  const home = partitionForKey(encoder.encode('cust-1'), 4);
  assert.deepEqual(
    seen,
    ['hail@0_0', 'hail@0_1', 'hail@0_2', 'hail@0_3', `visit@0_${home}`].sort(),
  );
});

test('a built topology does not change when the builder goes on', {}, async (t) => {
  const builder = new StreamsBuilder();
  const claims = builder.stream<string, Claim>('claims');
  claims.to('all-claims');
  const first = builder.build();
  const described = first.describe();
  claims.filter((_key, value) => value.amount > 1000).to('large-claims');

  assert.equal(first.describe(), described);
  const driver = await startDriver(t, first);
  await pipeAll(driver, 'claims', [['c1', claim()]]);
  assert.equal(keyValues(driver, 'all-claims').length, 1);
});

// --- errors ---------------------------------------------------------------------------------------

test('two nodes with the same name are refused with TS_TOPOLOGY_DUPLICATE_NAME', () => {
  const builder = new StreamsBuilder();
  builder.stream<string, Claim>('claims').filter(() => true, { name: 'keep-claims' });
  expectTopologyError(
    () => builder.stream<string, Claim>('more-claims').filter(() => true, { name: 'keep-claims' }),
    'TS_TOPOLOGY_DUPLICATE_NAME',
    /keep-claims/,
  );
  expectTopologyError(
    () => builder.stream('policies', { name: 'keep-claims' }),
    'TS_TOPOLOGY_DUPLICATE_NAME',
    /keep-claims/,
  );
});

test('two stores with the same name, or a store named like a global table, are refused', () => {
  const builder = new StreamsBuilder();
  builder.addStore({ name: 'touches', valueSerde: jsonSerde });
  builder.globalTable('marketing-rules', { storeName: 'rules' });
  expectTopologyError(
    () => builder.addStore({ name: 'touches', valueSerde: jsonSerde }),
    'TS_TOPOLOGY_DUPLICATE_NAME',
    /touches/,
  );
  expectTopologyError(
    () => builder.addStore({ name: 'rules', valueSerde: jsonSerde }),
    'TS_TOPOLOGY_DUPLICATE_NAME',
    /rules/,
  );
  expectTopologyError(
    () => builder.globalTable('other-rules', { storeName: 'touches' }),
    'TS_TOPOLOGY_DUPLICATE_NAME',
    /touches/,
  );
});

test('store names starting with __ are reserved for the engine', () => {
  const builder = new StreamsBuilder();
  expectTopologyError(
    () => builder.addStore({ name: '__timers', valueSerde: jsonSerde }),
    'TS_TOPOLOGY_RESERVED_NAME',
    /__timers/,
  );
});

test('process with a store that was never added is refused with TS_TOPOLOGY_UNKNOWN_STORE', () => {
  const builder = new StreamsBuilder();
  const touches = builder.stream<string, string>('touches');
  expectTopologyError(
    () => touches.process(() => new FirstTouchProcessor(), ['first-touch'], { name: 'dedupe' }),
    'TS_TOPOLOGY_UNKNOWN_STORE',
    /dedupe.*"first-touch".*addStore/,
  );
  expectTopologyError(
    () =>
      touches.process(() => new WhereProcessor(), [], { name: 'lookup', globalTables: ['rules'] }),
    'TS_TOPOLOGY_UNKNOWN_STORE',
    /lookup.*"rules"/,
  );
});

test('a topic read by two sources, or by a source and a global table, is refused with TS_TOPOLOGY_TOPIC_TWICE', () => {
  const builder = new StreamsBuilder();
  builder.stream('claims', { name: 'claims-source' });
  expectTopologyError(
    () => builder.stream('claims'),
    'TS_TOPOLOGY_TOPIC_TWICE',
    /claims.*claims-source/,
  );
  expectTopologyError(
    () => builder.table('claims', { storeName: 'claims-table' }),
    'TS_TOPOLOGY_TOPIC_TWICE',
    /claims/,
  );
  expectTopologyError(
    () => builder.globalTable('claims', { storeName: 'claims-global' }),
    'TS_TOPOLOGY_TOPIC_TWICE',
    /claims/,
  );
  builder.globalTable('marketing-rules', { storeName: 'rules' });
  expectTopologyError(
    () => builder.stream('marketing-rules'),
    'TS_TOPOLOGY_TOPIC_TWICE',
    /marketing-rules.*rules/,
  );
});

test('float64Serde refuses bytes that are not 8 long with TS_TOPOLOGY_SERDE', () => {
  assert.equal(float64Serde.deserialize(float64Serde.serialize(-12.5)), -12.5);
  expectTopologyError(
    () => float64Serde.deserialize(new Uint8Array(3)),
    'TS_TOPOLOGY_SERDE',
    /8 bytes, got 3/,
  );
});
