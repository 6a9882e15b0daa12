import { setTimeout as delay } from 'node:timers/promises';
import type { RetrySettings } from './channel-config.js';

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => delay(ms).then(() => undefined);

/**
 * Exponential backoff with full jitter (a uniform wait between 0 and the capped exponential step),
 * so that instances retrying the same failed provider spread out instead of arriving together.
 */
export class RetryPolicy {
  readonly maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #random: () => number;

  constructor(settings: RetrySettings, random: () => number = Math.random) {
    this.maxAttempts = settings.maxAttempts;
    this.#baseDelayMs = settings.baseDelayMs;
    this.#maxDelayMs = settings.maxDelayMs;
    this.#random = random;
  }

  /** Whether another attempt may follow the given (1-based) attempt. */
  allowsAfter(attempt: number): boolean {
    return attempt < this.maxAttempts;
  }

  /** The upper bound of the wait after the given (1-based) failed attempt. */
  ceilingAfter(attempt: number): number {
    // 2 ** 30 already exceeds any sane cap; clamping the exponent keeps the product finite.
    const step = this.#baseDelayMs * 2 ** Math.min(attempt - 1, 30);
    return Math.min(this.#maxDelayMs, step);
  }

  /** How long to wait after the given (1-based) failed attempt before the next one. */
  delayAfter(attempt: number): number {
    return Math.floor(this.#random() * this.ceilingAfter(attempt));
  }
}
