/**
 * What the rule processor needs from the stream engine that runs it. The engine's processor
 * context satisfies it structurally; declaring it here keeps src/rules free of the engine's
 * internals (architecture.md: rules import only state interfaces).
 */
import type { KeyValueStore } from '../../state/index.js';

export interface EngineRecord<K, V> {
  key: K;
  value: V;
  timestamp: number;
}

export type EngineClock = 'stream' | 'wall';

export interface EngineTimer {
  key: string;
  time: number;
  name: string;
  clock: EngineClock;
}

export interface EngineTimerOptions {
  name?: string;
  clock?: EngineClock;
  /** When the timer is set for now (Infinity: not set), known exactly: saves a timer-store read. */
  current?: number;
}

export interface EngineTimers {
  schedule(key: string, time: number, options?: EngineTimerOptions): void;
  cancel(key: string, options?: EngineTimerOptions): boolean;
}

export interface EngineJob {
  readonly name: string;
  step(): Promise<boolean>;
}

export interface RuleProcessorContext {
  readonly partition: number;
  readonly taskId: string;
  streamTime(): number;
  forward(record: EngineRecord<unknown, unknown>, childName?: string): void;
  getStore<V>(name: string): KeyValueStore<V>;
  getGlobalStore<V>(name: string): KeyValueStore<V>;
  readonly timers: EngineTimers;
  runInBackground(job: EngineJob): void;
}
