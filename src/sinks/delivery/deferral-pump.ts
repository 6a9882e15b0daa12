import { TouchstreamError } from '../../errors/index.js';
import type { TouchCommand } from '../channels/types.js';
import type { DeferralQueue } from '../guards/index.js';
import { backoffDelay, pause } from './backoff.js';
import { itemFromDeferred } from './delivery-item.js';
import type { DeliveryPipeline } from './delivery-pipeline.js';
import type { DeliveryLogger, DeliveryMetrics } from './delivery-ports.js';

export interface DeferralPumpOptions {
  deferrals: DeferralQueue<TouchCommand>;
  pipeline: DeliveryPipeline;
  /** How often the queue is asked for due commands when the last poll found fewer than a batch. */
  pollMs: number;
  batchSize: number;
  logger?: DeliveryLogger;
  metrics?: DeliveryMetrics;
}

/**
 * Brings deferred touches back when they come due (end of quiet hours, a rate-limit token, an open
 * circuit's retry time) and runs them through the same pipeline, guards included. An entry taken
 * from the queue is leased, not removed; it is acked only after its outcome is on the feedback
 * topic, and one deferred again is left in the queue under its new time instead of acked.
 */
export class DeferralPump {
  readonly #options: DeferralPumpOptions;
  readonly #stopping = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(options: DeferralPumpOptions) {
    this.#options = options;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#loop;
  }

  /** Takes one batch of due commands and handles it; resolves to how many it took. */
  async pumpOnce(): Promise<number> {
    const { deferrals, pipeline, batchSize, metrics } = this.#options;
    const entries = await deferrals.takeDue(pipeline.clock(), batchSize);
    if (entries.length === 0) return 0;
    metrics?.recordDeliveryConsumed('deferral', entries.length);
    const items = entries.map(itemFromDeferred);
    const control = { isRunning: () => !this.#stopping.signal.aborted };
    if (!(await pipeline.run(items, control))) return entries.length;
    const handled = entries.filter((_, i) => items[i].outcome?.status !== 'deferred');
    await pipeline.retrying(
      async () => {
        for (const result of await Promise.allSettled(
          handled.map((entry) => deferrals.ack(entry.commandId)),
        ))
          if (result.status === 'rejected') throw result.reason;
      },
      control,
      handled.length,
    );
    return entries.length;
  }

  async #run(): Promise<void> {
    const { pollMs, batchSize, logger } = this.#options;
    let failures = 0;
    while (!this.#stopping.signal.aborted) {
      let taken = 0;
      try {
        taken = await this.pumpOnce();
        failures = 0;
      } catch (error) {
        // A non-retryable error (a Redis script error) is logged as such, but the pump keeps
        // trying: stopping would strand every deferred touch.
        const retryable = error instanceof TouchstreamError && error.retryable;
        const waitMs = backoffDelay(failures++);
        const fields = { error: String(error), waitMs };
        if (retryable) logger?.warn(fields, 'deferral pump waits and retries');
        else logger?.error(fields, 'deferral pump failed; it retries');
        await pause(waitMs, this.#stopping.signal);
        continue;
      }
      if (taken < batchSize) await pause(pollMs, this.#stopping.signal);
    }
  }
}
