import { setTimeout as sleep } from 'node:timers/promises';

export interface BackoffOptions {
  /** First wait; default 100 ms. */
  initialMs?: number;
  /** Longest wait; default 5 s. */
  maxMs?: number;
}

/** The wait before retry `attempt` (0-based): doubling from initialMs, capped, with ±20% jitter so workers do not retry in step. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 100;
  const max = options.maxMs ?? 5_000;
  const base = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.8 + 0.4 * Math.random()));
}

/** Sleeps unless the signal aborts first; never rejects. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
