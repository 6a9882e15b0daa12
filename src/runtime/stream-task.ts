/**
 * One task: one partition of one sub-topology. It owns the processors and stores of that
 * partition, processes records in offset order, fires its timers in time order and hands what it
 * produces to a collector. Drivers (in-process or Kafka) feed it and decide when it commits.
 *
 * Processing is synchronous per record. The only awaits are for loading timers that are due but
 * not yet in memory, which `advanceTo` reports through `needsTimerLoad` so that a batch loop can
 * stay free of per-record promises.
 */
import { ProcessorRunner, failedNode, firedTimer } from '../operators/index.js';
import type {
  BackgroundJob,
  DurableTimeQueue,
  RecordMetadata,
  RecordReceiver,
  StreamRecord,
  TaskServices,
  TimerClock,
} from '../operators/index.js';
import type { KeyValueStore } from '../state/index.js';
import type { Topology } from '../topology/index.js';
import { RuntimeError } from './errors.js';
import { deadLetterOf } from './records.js';
import type { ConsumedRecord, RecordCollector } from './records.js';
import { SinkEmitter } from './sink-emitter.js';
import { SourceRunner } from './source-runner.js';

/** A time queue as the task drives it (the state layer's TimeQueue). */
export interface TaskTimeQueue extends DurableTimeQueue {
  needsLoad(upTo: number): boolean;
  load(upTo: number): Promise<void>;
  popDue(upTo: number): { id: string; time: number; payload: Uint8Array } | undefined;
}

/** The stores of the task, opened by the runtime (the state layer's task state). */
export interface TaskStores {
  store(name: string): KeyValueStore<unknown>;
}

export interface TaskId {
  subTopology: number;
  partition: number;
}

export function formatTaskId(id: TaskId): string {
  return `${id.subTopology}_${id.partition}`;
}

export interface StreamTaskOptions {
  id: TaskId;
  applicationId: string;
  topology: Topology;
  stores: TaskStores;
  globalStore(name: string): KeyValueStore<unknown>;
  timerQueues: Readonly<Record<TimerClock, TaskTimeQueue>>;
  collector: RecordCollector;
  /** The name a topic has on the cluster (internal topics are prefixed with the application id). */
  resolveTopic(topic: string, internal: boolean): string;
  partitionsFor(topic: string): number;
  wallClock(): number;
  /** Stream time to start from (restored tasks resume where they stopped). */
  initialStreamTime?: number;
}

export interface PreparedRecord {
  source: SourceRunner;
  consumed: ConsumedRecord;
  decoded: StreamRecord<unknown, unknown>;
}

export interface TaskCounters {
  processed: number;
  deadLetters: number;
  timersFired: number;
}

export class StreamTask implements TaskServices {
  readonly id: TaskId;
  readonly taskId: string;
  readonly partition: number;
  readonly applicationId: string;
  readonly counters: TaskCounters = { processed: 0, deadLetters: 0, timersFired: 0 };

  private readonly sources = new Map<string, SourceRunner>();
  private readonly processors = new Map<string, ProcessorRunner>();
  private readonly globalListeners: ProcessorRunner[] = [];
  private readonly background: BackgroundJob[] = [];
  private currentStreamTime: number;
  private currentRecord: RecordMetadata | undefined;

  constructor(private readonly options: StreamTaskOptions) {
    this.id = options.id;
    this.taskId = formatTaskId(options.id);
    this.partition = options.id.partition;
    this.applicationId = options.applicationId;
    this.currentStreamTime = options.initialStreamTime ?? -Infinity;
    this.buildNodes();
  }

  // --- TaskServices, for processor contexts -------------------------------------------------

  streamTime(): number {
    return this.currentStreamTime;
  }

  wallClockTime(): number {
    return this.options.wallClock();
  }

  recordMetadata(): RecordMetadata | undefined {
    return this.currentRecord;
  }

  store(name: string): KeyValueStore<unknown> {
    return this.options.stores.store(name);
  }

  globalStore(name: string): KeyValueStore<unknown> {
    return this.options.globalStore(name);
  }

  timerQueue(clock: TimerClock): DurableTimeQueue {
    return this.options.timerQueues[clock];
  }

  runInBackground(job: BackgroundJob): void {
    this.background.push(job);
  }

  // --- driving the task ---------------------------------------------------------------------

  /** Calls every processor's init, parents before children. */
  async init(): Promise<void> {
    for (const runner of this.processors.values()) await runner.init();
  }

  /** True if firing timers up to `time` needs timers that must first be read from the store. */
  needsTimerLoad(time: number, clock: TimerClock = 'stream'): boolean {
    return this.options.timerQueues[clock].needsLoad(time);
  }

  async loadTimers(time: number, clock: TimerClock = 'stream'): Promise<void> {
    await this.options.timerQueues[clock].load(time);
  }

  /**
   * Moves stream time forward to `time` and fires every stream-time timer due at or before it, in
   * time order, before anything at `time` is processed. Returns false if it stopped because due
   * timers must first be read from the store (`loadTimers`); call it again after loading.
   */
  advanceTo(time: number): boolean {
    if (time > this.currentStreamTime) this.currentStreamTime = time;
    return this.fireDue('stream', this.currentStreamTime);
  }

  /** `advanceTo`, loading timers as often as needed. */
  async advanceToLoading(time: number): Promise<void> {
    while (!this.advanceTo(time)) await this.loadTimers(time, 'stream');
  }

  /** Fires wall-clock timers due at or before `now`; false if timers must be loaded first. */
  punctuateWallClock(now: number): boolean {
    return this.fireDue('wall', now);
  }

  async punctuateWallClockLoading(now: number): Promise<void> {
    while (!this.punctuateWallClock(now)) await this.loadTimers(now, 'wall');
  }

  /**
   * Decodes a record and finds its event time, ready for `processPrepared` once stream time has
   * been moved to it. A record that does not decode goes to the dead letters: undefined.
   */
  prepare(record: ConsumedRecord): PreparedRecord | undefined {
    const source = this.sourceFor(record.topic);
    try {
      return { source, consumed: record, decoded: source.decode(record) };
    } catch (error) {
      this.deadLetter(record, source.name, error);
      return undefined;
    }
  }

  /**
   * Processes a prepared record. A processor that throws sends the record to the dead letters;
   * the task goes on.
   */
  processPrepared(prepared: PreparedRecord): void {
    const { source, consumed, decoded } = prepared;
    if (!this.advanceTo(decoded.timestamp)) {
      throw new RuntimeError(
        'TS_RUNTIME_TIMERS_NOT_LOADED',
        `task ${this.taskId}: timers due by ${decoded.timestamp} must be loaded before ${consumed.topic}/${consumed.partition}@${consumed.offset} (advanceToLoading first)`,
      );
    }
    this.currentRecord = {
      topic: consumed.topic,
      partition: consumed.partition,
      offset: consumed.offset,
    };
    try {
      source.forward(decoded);
      this.counters.processed += 1;
    } catch (error) {
      this.deadLetter(consumed, failedNode(error) ?? source.name, error);
    } finally {
      this.currentRecord = undefined;
    }
  }

  /** `prepare` and `processPrepared` in one, for callers that have loaded the timers already. */
  process(record: ConsumedRecord): void {
    const prepared = this.prepare(record);
    if (prepared !== undefined) this.processPrepared(prepared);
  }

  /** Delivers a global table change to every processor connected to that table. */
  globalUpdate(table: string, key: string, value: unknown, timestamp: number): void {
    const record = { key, value, timestamp };
    for (const runner of this.globalListeners) {
      if (!runner.globalTables.includes(table)) continue;
      try {
        runner.globalUpdate(table, record);
      } catch (error) {
        this.reportFailure(runner.name, table, timestamp, error);
      }
    }
  }

  /**
   * Lets processors read ahead for prepared records about to be processed. A hint: it never
   * rejects, whatever a processor's read-ahead does.
   */
  readAhead(prepared: readonly PreparedRecord[]): Promise<void> {
    if (prepared.length === 0) return Promise.resolve();
    let keys: unknown[] | undefined;
    const reads: Promise<void>[] = [];
    for (const runner of this.processors.values()) {
      if (!runner.readsAhead) continue;
      keys ??= prepared.map((record) => record.decoded.key);
      try {
        const read = runner.readAhead(keys);
        if (read !== undefined) reads.push(read.catch(() => undefined));
      } catch {
        // A hint that failed: the records will read what they need themselves.
      }
    }
    return reads.length === 0 ? Promise.resolve() : Promise.all(reads).then(() => undefined);
  }

  /** Tells every processor that the current input record has been handled everywhere. */
  inputProcessed(): void {
    for (const runner of this.processors.values()) {
      try {
        runner.inputProcessed();
      } catch (error) {
        this.reportFailure(runner.name, '__input-processed', this.currentStreamTime, error);
      }
    }
  }

  hasBackgroundWork(): boolean {
    return this.background.length > 0;
  }

  /** Runs one step of the oldest background job; resolves false when there is no work left. */
  async runBackgroundStep(): Promise<boolean> {
    const job = this.background[0];
    if (job === undefined) return false;
    let finished: boolean;
    try {
      finished = await job.step();
    } catch (error) {
      this.reportFailure(job.name, '__background', this.currentStreamTime, error);
      finished = true;
    }
    if (finished) this.background.shift();
    return this.background.length > 0;
  }

  close(): void {
    for (const runner of this.processors.values()) runner.close();
  }

  // --- internals ------------------------------------------------------------------------------

  private fireDue(clock: TimerClock, upTo: number): boolean {
    const queue = this.options.timerQueues[clock];
    for (;;) {
      if (queue.needsLoad(upTo)) return false;
      const entry = queue.popDue(upTo);
      if (entry === undefined) return true;
      const timer = firedTimer(entry.id, entry.time, clock, entry.payload);
      const runner = this.processors.get(timer.processor);
      if (runner === undefined) continue; // the processor left the topology; its timers go with it
      try {
        runner.fireTimer(timer);
        this.counters.timersFired += 1;
      } catch (error) {
        this.reportFailure(runner.name, `__timer:${timer.key}`, entry.time, error);
      }
    }
  }

  private sourceFor(topic: string): SourceRunner {
    const source = this.sources.get(topic);
    if (source === undefined) {
      throw new RuntimeError(
        'TS_RUNTIME_UNKNOWN_TOPIC',
        `task ${this.taskId} does not read topic ${topic}`,
      );
    }
    return source;
  }

  private deadLetter(record: ConsumedRecord, node: string, error: unknown): void {
    this.counters.deadLetters += 1;
    this.options.collector.deadLetter(deadLetterOf(record, node, this.taskId, error));
  }

  /** A failure with no input record behind it (a timer, a global update): reported as a dead letter without bytes. */
  private reportFailure(node: string, origin: string, timestamp: number, error: unknown): void {
    this.counters.deadLetters += 1;
    const noRecord = {
      topic: origin,
      partition: this.partition,
      offset: -1,
      timestamp,
      key: null,
      value: null,
    };
    this.options.collector.deadLetter(deadLetterOf(noRecord, node, this.taskId, error));
  }

  private buildNodes(): void {
    const { topology } = this.options;
    const sub = topology.subTopologies[this.id.subTopology];
    if (sub === undefined)
      throw new RuntimeError('TS_RUNTIME_NO_SUBTOPOLOGY', `no sub-topology ${this.id.subTopology}`);
    const receivers = new Map<string, RecordReceiver>();
    for (const name of sub.nodes) {
      const node = topology.node(name);
      if (node.kind === 'processor') {
        const runner = new ProcessorRunner(
          {
            name,
            processor: node.supplier(),
            stores: node.stores,
            globalTables: node.globalTables,
          },
          this,
        );
        this.processors.set(name, runner);
        receivers.set(name, runner);
        if (node.globalTables.length > 0) this.globalListeners.push(runner);
      } else if (node.kind === 'sink') {
        const topic = this.options.resolveTopic(node.topic, node.internal);
        receivers.set(
          name,
          new SinkEmitter(
            node,
            topic,
            this.options.partitionsFor(topic),
            this.partition,
            this.options.collector,
          ),
        );
      }
    }
    for (const name of sub.nodes) {
      const node = topology.node(name);
      if (node.kind === 'sink') continue;
      const parent =
        node.kind === 'source'
          ? new SourceRunner(node)
          : (this.processors.get(name) as ProcessorRunner);
      for (const child of node.children) {
        const receiver = receivers.get(child);
        if (receiver === undefined)
          throw new RuntimeError(
            'TS_RUNTIME_NO_NODE',
            `node ${child} is not in sub-topology ${sub.id}`,
          );
        parent.addChild(receiver);
      }
      if (node.kind === 'source') {
        for (const topic of node.topics)
          this.sources.set(this.options.resolveTopic(topic, node.internal), parent as SourceRunner);
      }
    }
  }
}
