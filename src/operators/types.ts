/**
 * The processor API: what a processor sees of the task that runs it.
 *
 * Processing is synchronous: `process` and `onTimer` run to completion without awaiting, reading
 * and writing stores synchronously (see src/state/types.ts). Work that must wait on I/O, such as a
 * scan over a whole store, runs as a background job that the task steps between records.
 */
import type { KeyValueStore } from '../state/index.js';

export type Headers = Readonly<Record<string, string>>;

export interface StreamRecord<K, V> {
  key: K;
  value: V;
  /** Event time, epoch milliseconds. */
  timestamp: number;
  headers?: Headers;
}

/** Where the record being processed came from (absent for timers and background jobs). */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
}

export type TimerClock = 'stream' | 'wall';

export interface TimerOptions {
  /** `stream` (default) fires when stream time reaches the instant; `wall` on the wall clock. */
  clock?: TimerClock;
  /** Several timers per key are told apart by name (default ''). */
  name?: string;
  /** Any JSON value handed back when the timer fires. */
  payload?: unknown;
  /**
   * When this timer is set for now (Infinity: not set), if the caller knows it exactly (it keeps
   * it with the key's own state): saves reading the timer store. A wrong value leaves a stale
   * timer that fires too.
   */
  current?: number;
}

export interface FiredTimer {
  key: string;
  time: number;
  clock: TimerClock;
  name: string;
  payload: unknown;
}

/**
 * Durable per-key timers of one processor in one task. At most one timer per (key, clock, name):
 * scheduling again replaces it. Timers are kept in the task's state, fire in time order (ties by
 * processor, name, then key) and survive restarts and moves of the task. A stream-time timer
 * fires when stream time reaches its instant, before the record that moved time is processed; one
 * set for an instant that has already come fires at the next advance.
 */
export interface TimerService {
  schedule(key: string, time: number, options?: TimerOptions): void;
  cancel(key: string, options?: Pick<TimerOptions, 'clock' | 'name' | 'current'>): boolean;
  /** When the timer fires, or undefined if none is pending. */
  scheduledTime(key: string, options?: Pick<TimerOptions, 'clock' | 'name'>): number | undefined;
}

/** A piece of work too large for one record (a scan over a store), done in steps. */
export interface BackgroundJob {
  readonly name: string;
  /** Does a bounded chunk of work; resolves true when the job is finished. */
  step(): Promise<boolean>;
}

export interface ProcessorContext<KOut = unknown, VOut = unknown> {
  readonly taskId: string;
  readonly partition: number;
  /** The application's id, for naming things per deployment. */
  readonly applicationId: string;
  /** The largest record timestamp the task has seen. */
  streamTime(): number;
  wallClockTime(): number;
  /** The record being processed, or undefined inside a timer or background job. */
  recordMetadata(): RecordMetadata | undefined;
  /** Sends a record to every child, or to the named child only. */
  forward(record: StreamRecord<KOut, VOut>, childName?: string): void;
  /** A store this processor was connected to by name. */
  getStore<V>(name: string): KeyValueStore<V>;
  /** A global table's store, the same on every task (read-only by convention). */
  getGlobalStore<V>(name: string): KeyValueStore<V>;
  readonly timers: TimerService;
  /** Queues a background job on the task; jobs run one at a time, in the order queued. */
  runInBackground(job: BackgroundJob): void;
}

export interface Processor<KIn = unknown, VIn = unknown, KOut = unknown, VOut = unknown> {
  /** May read stores and global tables asynchronously; the task processes nothing until it resolves. */
  init?(context: ProcessorContext<KOut, VOut>): void | Promise<void>;
  process(record: StreamRecord<KIn, VIn>): void;
  onTimer?(timer: FiredTimer): void;
  /**
   * A change to a global table this processor reads, delivered to every task in the same order
   * relative to that task's records: the way rules reach every partition.
   */
  onGlobalUpdate?(table: string, record: StreamRecord<string, unknown>): void;
  /**
   * Called on every processor after each input record has been handled (by whichever task it went
   * to; in the in-process driver every task shares one clock, so all are told). Work that the
   * contract orders after "that instant's record" is finished here.
   */
  onInputProcessed?(): void;
  /**
   * The keys of the source records the task will process next, before it processes them: a
   * chance to read what they will need off the processing thread (a store's `prefetch`). A hint:
   * the records are processed the same with or without it, and a failure is ignored.
   */
  readAhead?(keys: readonly unknown[]): Promise<void>;
  close?(): void;
}

export type ProcessorSupplier<
  KIn = unknown,
  VIn = unknown,
  KOut = unknown,
  VOut = unknown,
> = () => Processor<KIn, VIn, KOut, VOut>;
