/**
 * A processor as it lives inside one task: the processor instance, its context and its children.
 * Forwarding is a direct synchronous call into each child, depth first, as in Kafka Streams.
 */
import type { KeyValueStore } from '../state/index.js';
import { OperatorError } from './errors.js';
import { ProcessorTimerService } from './timer-service.js';
import type { DurableTimeQueue } from './timer-service.js';
import type {
  BackgroundJob,
  FiredTimer,
  Processor,
  ProcessorContext,
  RecordMetadata,
  StreamRecord,
  TimerClock,
  TimerService,
} from './types.js';

/** What a processor's context needs from the task that runs it. */
export interface TaskServices {
  readonly taskId: string;
  readonly partition: number;
  readonly applicationId: string;
  streamTime(): number;
  wallClockTime(): number;
  recordMetadata(): RecordMetadata | undefined;
  store(name: string): KeyValueStore<unknown>;
  globalStore(name: string): KeyValueStore<unknown>;
  timerQueue(clock: TimerClock): DurableTimeQueue;
  runInBackground(job: BackgroundJob): void;
}

/** Anything a record can be forwarded to: a processor or a sink. */
export interface RecordReceiver {
  readonly name: string;
  process(record: StreamRecord<unknown, unknown>): void;
}

export interface ProcessorNodeSpec {
  name: string;
  processor: Processor;
  stores: readonly string[];
  globalTables: readonly string[];
}

export class ProcessorRunner implements RecordReceiver {
  readonly name: string;
  readonly processor: Processor;
  readonly globalTables: readonly string[];
  private readonly children: RecordReceiver[] = [];
  private readonly childrenByName = new Map<string, RecordReceiver>();
  private readonly context: RunnerContext;

  constructor(spec: ProcessorNodeSpec, services: TaskServices) {
    this.name = spec.name;
    this.processor = spec.processor;
    this.globalTables = spec.globalTables;
    this.context = new RunnerContext(
      this,
      services,
      new Set(spec.stores),
      new Set(spec.globalTables),
    );
  }

  addChild(child: RecordReceiver): void {
    this.children.push(child);
    this.childrenByName.set(child.name, child);
  }

  async init(): Promise<void> {
    await this.processor.init?.(this.context);
  }

  process(record: StreamRecord<unknown, unknown>): void {
    try {
      this.processor.process(record);
    } catch (error) {
      throw tagFailedNode(error, this.name);
    }
  }

  fireTimer(timer: FiredTimer): void {
    if (this.processor.onTimer === undefined) {
      throw new OperatorError(
        'TS_OPERATOR_NO_TIMER_HANDLER',
        `processor ${this.name} scheduled a timer but has no onTimer`,
      );
    }
    this.processor.onTimer(timer);
  }

  globalUpdate(table: string, record: StreamRecord<string, unknown>): void {
    this.processor.onGlobalUpdate?.(table, record);
  }

  inputProcessed(): void {
    this.processor.onInputProcessed?.();
  }

  get readsAhead(): boolean {
    return this.processor.readAhead !== undefined;
  }

  /** The processor's read-ahead for these upcoming keys, if it has one. */
  readAhead(keys: readonly unknown[]): Promise<void> | undefined {
    return this.processor.readAhead?.(keys);
  }

  close(): void {
    this.processor.close?.();
  }

  /** @internal used by the context */
  forward(record: StreamRecord<unknown, unknown>, childName: string | undefined): void {
    if (childName === undefined) {
      const children = this.children;
      for (let i = 0; i < children.length; i += 1) children[i].process(record);
      return;
    }
    const child = this.childrenByName.get(childName);
    if (child === undefined) {
      throw new OperatorError(
        'TS_OPERATOR_UNKNOWN_CHILD',
        `processor ${this.name} forwarded to ${JSON.stringify(childName)}, which is not one of its children (${[...this.childrenByName.keys()].join(', ') || 'none'})`,
      );
    }
    child.process(record);
  }
}

const failedNodes = new WeakMap<object, string>();

/** Remembers the innermost processor an error came out of, for the dead letter. */
function tagFailedNode(error: unknown, node: string): unknown {
  if (error !== null && typeof error === 'object' && !failedNodes.has(error))
    failedNodes.set(error, node);
  return error;
}

/** The processor that threw `error`, if it came out of one. */
export function failedNode(error: unknown): string | undefined {
  return error !== null && typeof error === 'object' ? failedNodes.get(error) : undefined;
}

class RunnerContext implements ProcessorContext {
  readonly timers: TimerService;

  constructor(
    private readonly runner: ProcessorRunner,
    private readonly services: TaskServices,
    private readonly allowedStores: ReadonlySet<string>,
    private readonly allowedGlobals: ReadonlySet<string>,
  ) {
    this.timers = new ProcessorTimerService(runner.name, {
      stream: services.timerQueue('stream'),
      wall: services.timerQueue('wall'),
    });
  }

  get taskId(): string {
    return this.services.taskId;
  }

  get partition(): number {
    return this.services.partition;
  }

  get applicationId(): string {
    return this.services.applicationId;
  }

  streamTime(): number {
    return this.services.streamTime();
  }

  wallClockTime(): number {
    return this.services.wallClockTime();
  }

  recordMetadata(): RecordMetadata | undefined {
    return this.services.recordMetadata();
  }

  forward(record: StreamRecord<unknown, unknown>, childName?: string): void {
    this.runner.forward(record, childName);
  }

  getStore<V>(name: string): KeyValueStore<V> {
    if (!this.allowedStores.has(name)) {
      throw new OperatorError(
        'TS_OPERATOR_STORE_NOT_CONNECTED',
        `processor ${this.runner.name} asked for store ${JSON.stringify(name)} without being connected to it; ` +
          'name it in process(supplier, [stores]) when building the topology',
      );
    }
    return this.services.store(name) as KeyValueStore<V>;
  }

  getGlobalStore<V>(name: string): KeyValueStore<V> {
    if (!this.allowedGlobals.has(name)) {
      throw new OperatorError(
        'TS_OPERATOR_STORE_NOT_CONNECTED',
        `processor ${this.runner.name} asked for global table ${JSON.stringify(name)} without being connected to it`,
      );
    }
    return this.services.globalStore(name) as KeyValueStore<V>;
  }

  runInBackground(job: BackgroundJob): void {
    this.services.runInBackground(job);
  }
}
