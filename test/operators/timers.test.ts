import { test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  FiredTimer,
  Processor,
  ProcessorContext,
  StreamRecord,
} from '../../src/operators/index.js';
import { StreamsBuilder } from '../../src/topology/index.js';
import { TopologyTestDriver } from '../../src/runtime/index.js';
import type { TopologyTestDriverOptions } from '../../src/runtime/index.js';

/** What a test record asks the timer processor to do. */
interface TimerCommand {
  schedule?: {
    key: string;
    at: number;
    clock?: 'stream' | 'wall';
    name?: string;
    payload?: unknown;
  }[];
  cancel?: { key: string; clock?: 'stream' | 'wall'; name?: string }[];
  /** Schedule `count` timers for keys k0..k{count-1} at `from + i * step`. */
  bulk?: { count: number; from: number; step: number };
}

interface Firing {
  key: string;
  time: number;
  clock: string;
  name: string;
  payload: unknown;
  streamTime: number;
}

class TimerProcessor implements Processor<string, TimerCommand, string, Firing> {
  private context!: ProcessorContext<string, Firing>;
  init(context: ProcessorContext<string, Firing>): void {
    this.context = context;
  }
  process(record: StreamRecord<string, TimerCommand>): void {
    const command = record.value;
    for (const s of command.schedule ?? []) {
      this.context.timers.schedule(s.key, s.at, {
        clock: s.clock,
        name: s.name,
        payload: s.payload,
      });
    }
    for (const c of command.cancel ?? [])
      this.context.timers.cancel(c.key, { clock: c.clock, name: c.name });
    if (command.bulk !== undefined) {
      const { count, from, step } = command.bulk;
      for (let i = 0; i < count; i += 1) this.context.timers.schedule(`k${i}`, from + i * step);
    }
  }
  onTimer(timer: FiredTimer): void {
    this.context.forward({
      key: timer.key,
      value: { ...timer, payload: timer.payload ?? null, streamTime: this.context.streamTime() },
      timestamp: timer.time,
    });
  }
}

function timerTopology() {
  const builder = new StreamsBuilder();
  builder
    .stream<string, TimerCommand>('commands')
    .process(() => new TimerProcessor())
    .to('fired');
  return builder.build();
}

async function withDriver(
  options: TopologyTestDriverOptions,
  body: (driver: TopologyTestDriver) => Promise<void>,
) {
  const driver = await TopologyTestDriver.create(timerTopology(), options);
  try {
    await body(driver);
  } finally {
    await driver.close();
  }
}

const firedOf = (driver: TopologyTestDriver) =>
  driver.createOutputTopic<string, Firing>('fired').readValues() as Firing[];

test('fires stream-time timers in timestamp order, ties by key, before the record that passes them', async () => {
  await withDriver({ backendOverride: 'memory' }, async (driver) => {
    const commands = driver.createInputTopic<string, TimerCommand>('commands');
    await commands.pipeInput(
      'c',
      {
        schedule: [
          { key: 'b', at: 300 },
          { key: 'a', at: 200 },
          { key: 'c', at: 200 },
        ],
      },
      100,
    );
    assert.deepEqual(firedOf(driver), []);
    await commands.pipeInput('c', { schedule: [{ key: 'now', at: 250 }] }, 250);
    const fired = firedOf(driver);
    assert.deepEqual(
      fired.map((f) => [f.key, f.time]),
      [
        ['a', 200],
        ['c', 200],
      ],
    );
    // Timers fire once stream time has moved to the record that passed them, before it is processed.
    assert.ok(fired.every((f) => f.streamTime === 250));
    // A timer set for the current instant fires at the next advance of stream time.
    await driver.advanceStreamTime(1000);
    assert.deepEqual(
      firedOf(driver).map((f) => [f.key, f.streamTime]),
      [
        ['now', 1000],
        ['b', 1000],
      ],
    );
  });
});

test('replaces a timer scheduled again for the same key and name, and cancels on request', async () => {
  await withDriver({ backendOverride: 'memory' }, async (driver) => {
    const commands = driver.createInputTopic<string, TimerCommand>('commands');
    await commands.pipeInput(
      'c',
      {
        schedule: [
          { key: 'x', at: 500, payload: { v: 1 } },
          { key: 'x', at: 700, payload: { v: 2 } },
          { key: 'x', at: 600, name: 'other' },
          { key: 'y', at: 550 },
        ],
      },
      100,
    );
    await commands.pipeInput('c', { cancel: [{ key: 'y' }] }, 110);
    await driver.advanceStreamTime(10_000);
    assert.deepEqual(
      firedOf(driver).map((f) => [f.key, f.name, f.time, f.payload]),
      [
        ['x', 'other', 600, null],
        ['x', '', 700, { v: 2 }],
      ],
    );
  });
});

test('fires wall-clock timers when the wall clock advances, with no records arriving', async () => {
  await withDriver({ backendOverride: 'memory', wallClockStart: 1_000 }, async (driver) => {
    const commands = driver.createInputTopic<string, TimerCommand>('commands');
    await commands.pipeInput(
      'c',
      {
        schedule: [
          { key: 'w', at: 5_000, clock: 'wall' },
          { key: 's', at: 5_000 },
        ],
      },
      1,
    );
    await driver.advanceWallClockTime(3_000);
    assert.deepEqual(firedOf(driver), []);
    await driver.advanceWallClockTime(1_000);
    assert.deepEqual(
      firedOf(driver).map((f) => [f.key, f.clock]),
      [['w', 'wall']],
    );
  });
});

test('timers survive a restart of the task on its local state', async () => {
  await withDriver({}, async (driver) => {
    const commands = driver.createInputTopic<string, TimerCommand>('commands');
    await commands.pipeInput(
      'c',
      {
        schedule: [
          { key: 'r', at: 900 },
          { key: 'q', at: 800 },
        ],
      },
      100,
    );
    await driver.restartTask('0_0');
    await driver.advanceStreamTime(1_000);
    assert.deepEqual(
      firedOf(driver).map((f) => f.key),
      ['q', 'r'],
    );
  });
});

test('timers survive the loss of local state, restored from the changelog', async () => {
  await withDriver({}, async (driver) => {
    const commands = driver.createInputTopic<string, TimerCommand>('commands');
    await commands.pipeInput(
      'c',
      {
        schedule: [
          { key: 'r', at: 900 },
          { key: 'q', at: 800 },
        ],
      },
      100,
    );
    await commands.pipeInput('c', { cancel: [{ key: 'q' }] }, 200);
    await driver.commit();
    await driver.dropTaskState('0_0');
    assert.ok(
      (driver.restoredCounts('0_0').__timers ?? 0) > 0,
      'the timer store was restored from its changelog',
    );
    await driver.advanceStreamTime(1_000);
    assert.deepEqual(
      firedOf(driver).map((f) => f.key),
      ['r'],
    );
  });
});

test('keeps a million pending timers and fires them all in order without scanning', async () => {
  await withDriver({ backendOverride: 'memory', commitEvery: 1_000_000 }, async (driver) => {
    const commands = driver.createInputTopic<string, TimerCommand>('commands');
    const count = 1_000_000;
    // Times descend with the key number so that key order and time order disagree.
    await commands.pipeInput('c', { bulk: { count, from: 10_000_000, step: -7 } }, 1);
    await driver.advanceStreamTime(10_000_000 - 500_000 * 7);
    let fired = firedOf(driver);
    assert.equal(fired.length, 500_000);
    await driver.advanceStreamTime(20_000_000);
    fired = fired.concat(firedOf(driver));
    assert.equal(fired.length, count);
    for (let i = 1; i < fired.length; i += 1) {
      if (fired[i].time < fired[i - 1].time)
        assert.fail(`timer ${i} fired at ${fired[i].time} after ${fired[i - 1].time}`);
    }
    assert.equal(fired[0].key, `k${count - 1}`);
  });
});
