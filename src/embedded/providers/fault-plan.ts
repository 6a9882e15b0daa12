import type { FakeChannel, ProviderAnswer } from './types.js';

/** Failures and latency a test asked one channel for. */
export class FaultPlan {
  readonly #failures = new Map<FakeChannel, { remaining: number; answer: ProviderAnswer }>();
  readonly #latency = new Map<FakeChannel, number>();

  /** The next n requests get this answer; replaces what was planned before (n = 0 clears it). */
  failNext(channel: FakeChannel, n: number, answer: ProviderAnswer): void {
    if (n <= 0) this.#failures.delete(channel);
    else this.#failures.set(channel, { remaining: n, answer });
  }

  /** The planned failure for this request, counted down, or undefined. */
  takeFailure(channel: FakeChannel): ProviderAnswer | undefined {
    const plan = this.#failures.get(channel);
    if (plan === undefined) return undefined;
    plan.remaining -= 1;
    if (plan.remaining <= 0) this.#failures.delete(channel);
    return plan.answer;
  }

  setLatency(channel: FakeChannel, ms: number): void {
    if (ms <= 0) this.#latency.delete(channel);
    else this.#latency.set(channel, ms);
  }

  latency(channel: FakeChannel): number {
    return this.#latency.get(channel) ?? 0;
  }
}
