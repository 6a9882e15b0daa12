/**
 * Per-key timers for one processor, kept in the task's durable time queues (one queue per clock).
 *
 * A timer's id in the queue is `<processor>\0<name>\0<key>`: ties at one instant therefore fire in
 * processor, name, key order, and the task can route a fired entry back to its processor without
 * a lookup table. Processor and timer names may not contain NUL; keys may.
 */
import { OperatorError } from './errors.js';
import type { FiredTimer, TimerClock, TimerOptions, TimerService } from './types.js';

/** What the timer service needs from the task's time queues (see src/state TimeQueue). */
export interface DurableTimeQueue {
  schedule(id: string, time: number, payload: Uint8Array, current?: number): void;
  cancel(id: string, current?: number): boolean;
  timeOf(id: string): number | undefined;
}

const SEPARATOR = '\u0000';
const EMPTY_PAYLOAD = new Uint8Array(0);
const decoder = new TextDecoder();

export function timerId(processor: string, name: string, key: string): string {
  return processor + SEPARATOR + name + SEPARATOR + key;
}

export interface ParsedTimerId {
  processor: string;
  name: string;
  key: string;
}

export function parseTimerId(id: string): ParsedTimerId {
  const first = id.indexOf(SEPARATOR);
  const second = id.indexOf(SEPARATOR, first + 1);
  if (first < 0 || second < 0) {
    throw new OperatorError(
      'TS_OPERATOR_TIMER_ID',
      `timer id ${JSON.stringify(id)} is not <processor>\\0<name>\\0<key>`,
    );
  }
  return {
    processor: id.slice(0, first),
    name: id.slice(first + 1, second),
    key: id.slice(second + 1),
  };
}

export function decodeTimerPayload(payload: Uint8Array): unknown {
  return payload.byteLength === 0 ? undefined : (JSON.parse(decoder.decode(payload)) as unknown);
}

export function firedTimer(
  id: string,
  time: number,
  clock: TimerClock,
  payload: Uint8Array,
): FiredTimer & { processor: string } {
  const parsed = parseTimerId(id);
  return {
    processor: parsed.processor,
    key: parsed.key,
    name: parsed.name,
    time,
    clock,
    payload: decodeTimerPayload(payload),
  };
}

export class ProcessorTimerService implements TimerService {
  constructor(
    private readonly processorName: string,
    private readonly queues: Readonly<Record<TimerClock, DurableTimeQueue>>,
  ) {
    if (processorName.includes(SEPARATOR)) {
      throw new OperatorError(
        'TS_OPERATOR_TIMER_NAME',
        `processor name ${JSON.stringify(processorName)} may not contain NUL`,
      );
    }
  }

  schedule(key: string, time: number, options?: TimerOptions): void {
    if (!Number.isFinite(time) || time < 0) {
      throw new OperatorError(
        'TS_OPERATOR_TIMER_TIME',
        `timer for key ${JSON.stringify(key)} in ${this.processorName} must be at a finite, non-negative epoch ms, got ${time}`,
      );
    }
    const name = options?.name ?? '';
    if (name.includes(SEPARATOR)) {
      throw new OperatorError(
        'TS_OPERATOR_TIMER_NAME',
        `timer name ${JSON.stringify(name)} may not contain NUL`,
      );
    }
    const payload =
      options?.payload === undefined
        ? EMPTY_PAYLOAD
        : Buffer.from(JSON.stringify(options.payload), 'utf8');
    this.queue(options?.clock).schedule(
      timerId(this.processorName, name, key),
      Math.floor(time),
      payload,
      options?.current,
    );
  }

  cancel(key: string, options?: Pick<TimerOptions, 'clock' | 'name' | 'current'>): boolean {
    return this.queue(options?.clock).cancel(
      timerId(this.processorName, options?.name ?? '', key),
      options?.current,
    );
  }

  scheduledTime(key: string, options?: Pick<TimerOptions, 'clock' | 'name'>): number | undefined {
    return this.queue(options?.clock).timeOf(timerId(this.processorName, options?.name ?? '', key));
  }

  private queue(clock: TimerClock | undefined): DurableTimeQueue {
    return this.queues[clock ?? 'stream'];
  }
}
