/**
 * How bench/delivery.ts follows a part: the fake providers' accepted counts (the figure's clock
 * stops when they reach the commands produced) and the workers' commits (feedback written).
 */
import type { FakeProviders } from '../../src/embedded/index.js';
import type { DeliveryWorkerProcess } from './delivery-bench-process.js';
import { BENCH_CHANNELS } from './delivery-bench-setup.js';
import type { BenchChannel } from './delivery-bench-setup.js';
import type { WorkerStats } from './delivery-bench-worker.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function sumAccepted(fakes: FakeProviders): number {
  let accepted = 0;
  for (const channel of BENCH_CHANNELS) accepted += fakes.accepted(channel).length;
  return accepted;
}

export function zeroCounts(): Record<BenchChannel, number> {
  return { push: 0, sms: 0, wechat: 0, coupon: 0 };
}

export function acceptedCounts(fakes: FakeProviders): Record<BenchChannel, number> {
  const counts = zeroCounts();
  for (const channel of BENCH_CHANNELS) counts[channel] = fakes.accepted(channel).length;
  return counts;
}

export interface WaitAcceptedOptions {
  total: number;
  processes: readonly DeliveryWorkerProcess[];
  label: string;
  timeoutMs: number;
  /** Fail sooner when the count has not moved this long (commands suppressed or deferred). */
  stallMs: number;
  pollMs: number;
  log: (message: string) => void;
}

/**
 * Polls the fakes' accepted counts; resolves with the moment they reach `total` (late by at most
 * one poll), rejects naming the shortfall when a worker exits, the count stalls or the time runs
 * out.
 */
export async function waitAccepted(
  fakes: FakeProviders,
  options: WaitAcceptedOptions,
): Promise<number> {
  const { total, processes, label } = options;
  const deadline = Date.now() + options.timeoutMs;
  let nextReport = Date.now() + 10_000;
  let last = -1;
  let movedAt = Date.now();
  for (;;) {
    const accepted = sumAccepted(fakes);
    const now = Date.now();
    if (accepted >= total) return now;
    if (accepted !== last) {
      last = accepted;
      movedAt = now;
    }
    const gone = processes.find((p) => !p.alive());
    if (gone !== undefined)
      throw new Error(`${label}: worker ${gone.id} exited with ${accepted} of ${total} accepted`);
    if (now > deadline || now - movedAt > options.stallMs)
      throw new Error(
        `${label}: ${accepted} of ${total} commands accepted, ` +
          `${now > deadline ? `time (${options.timeoutMs} ms) ran out` : `none more for ${options.stallMs} ms`} ` +
          `(${JSON.stringify(acceptedCounts(fakes))})`,
      );
    if (now >= nextReport) {
      options.log(`${label}: ${accepted} of ${total} accepted`);
      nextReport += 10_000;
    }
    await sleep(options.pollMs);
  }
}

/** Waits until the workers have committed every command (feedback written), then their stats. */
export async function waitCommitted(
  processes: readonly DeliveryWorkerProcess[],
  total: number,
  timeoutMs: number,
): Promise<WorkerStats[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await Promise.all(processes.map((p) => p.stats()));
    // A partition that moved between workers was committed by both; the later offset counts.
    const offsets = new Map<number, number>();
    for (const s of stats)
      for (const [partition, offset] of Object.entries(s.committed))
        offsets.set(Number(partition), Math.max(offsets.get(Number(partition)) ?? 0, offset));
    let committed = 0;
    for (const offset of offsets.values()) committed += offset;
    if (committed >= total) return stats;
    if (Date.now() > deadline)
      throw new Error(`the workers committed ${committed} of ${total} commands in ${timeoutMs} ms`);
    await sleep(100);
  }
}
