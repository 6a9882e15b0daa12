import type { BreakerSettings } from './channel-config.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export type Admission = { admitted: true } | { admitted: false; retryAt: number };

export interface CircuitBreakerOptions extends BreakerSettings {
  now?: () => number;
  /**
   * How long the half-open trial call may take at most (the channel's timeout). Calls arriving
   * meanwhile are told to come back then; a trial that never reports is replaced after it.
   */
  trialTimeoutMs: number;
}

/**
 * One channel's breaker: closed -> open after `failureThreshold` consecutive retryable failures
 * -> half-open after `cooldownMs` (one trial call) -> closed on success, open again on failure.
 * A non-retryable answer proves the provider is up, so it counts as a success here.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #trialTimeoutMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt = 0;
  #open = false;
  #trialStartedAt: number | null = null;

  constructor(options: CircuitBreakerOptions) {
    this.#threshold = options.failureThreshold;
    this.#cooldownMs = options.cooldownMs;
    this.#trialTimeoutMs = options.trialTimeoutMs;
    this.#now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (!this.#open) return 'closed';
    return this.#now() >= this.#openedAt + this.#cooldownMs ? 'half-open' : 'open';
  }

  /** When an open circuit lets its next trial through; undefined when closed. */
  get retryAt(): number | undefined {
    return this.#open ? this.#openedAt + this.#cooldownMs : undefined;
  }

  /** Asks to call the provider; a caller admitted must report the outcome with onSuccess or onFailure. */
  admit(): Admission {
    if (!this.#open) return { admitted: true };
    const now = this.#now();
    const reopensAt = this.#openedAt + this.#cooldownMs;
    if (now < reopensAt) return { admitted: false, retryAt: reopensAt };
    if (this.#trialStartedAt !== null && now < this.#trialStartedAt + this.#trialTimeoutMs)
      return { admitted: false, retryAt: this.#trialStartedAt + this.#trialTimeoutMs };
    this.#trialStartedAt = now;
    return { admitted: true };
  }

  onSuccess(): void {
    this.#failures = 0;
    this.#open = false;
    this.#trialStartedAt = null;
  }

  /** Records a retryable failure; returns the time the circuit reopens when this failure opened it. */
  onFailure(): number | undefined {
    this.#failures += 1;
    if (this.#open || this.#failures >= this.#threshold) {
      this.#open = true;
      this.#openedAt = this.#now();
      this.#trialStartedAt = null;
      return this.#openedAt + this.#cooldownMs;
    }
    return undefined;
  }
}
