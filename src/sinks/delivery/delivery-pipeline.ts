import type { Redis } from 'ioredis';
import { TouchstreamError } from '../../errors/index.js';
import type { ChannelAdapter, SendResult, TouchCommand } from '../channels/types.js';
import { SinkRedisCommandError, SinkRedisUnavailableError } from '../guards/index.js';
import type { DeferralQueue, GuardChain } from '../guards/index.js';
import { backoffDelay, pause } from './backoff.js';
import type { BackoffOptions } from './backoff.js';
import type { ConcurrencyLimit } from './concurrency-limit.js';
import type { DeliveryFeedback } from './delivery-feedback.js';
import type { DeliveryItem, Step } from './delivery-item.js';
import type { DeliveryDeadLetter, DeliveryOutput } from './delivery-output.js';
import type { CommandRecorder, DeliveryLogger, DeliveryMetrics } from './delivery-ports.js';
import { AdapterThrewError } from './errors.js';
import { deadLetterOf, feedbackOf } from './outcome-records.js';
import { guardedOf, outcomeOf } from './send-outcome.js';

export interface DeliveryPipelineOptions {
  /** The guard chain's connection; read directly only to tell a redelivered sent command. */
  redis: Redis;
  guards: GuardChain;
  deferrals: DeferralQueue<TouchCommand>;
  adapters: readonly ChannelAdapter[];
  output: DeliveryOutput;
  /** Records of sent commands for the provider callbacks; none kept when absent. */
  records?: CommandRecorder;
  /** The guard chain's owner: this instance's id, stable across its restarts. */
  owner: string;
  /** Sends in flight at once, shared with the other pipelines of this instance. */
  limit: ConcurrencyLimit;
  clock?: () => number;
  /** Waits while Redis or Kafka is unreachable. */
  backoff?: BackoffOptions;
  logger?: DeliveryLogger;
  metrics?: DeliveryMetrics;
}

export interface RunControl {
  /** False once the batch should be given up (stopping, partition revoked); checked between waits. */
  isRunning(): boolean;
}

const HOLDOUT_REASON = 'held out (control group): recorded, never sent';

/**
 * What happens to a batch of touch commands, the same for commands read off the topic and for
 * deferred ones come due: held-out and invalid commands suppressed, the adapter's own check, the
 * guard chain, sends with bounded concurrency, deferrals queued, and every outcome written to the
 * feedback topic. The order is what keeps a touch from reaching a customer twice:
 *
 *   guards (claim) -> send -> markSent at once -> Redis follow-ups -> feedback -> (caller commits)
 *
 * Only a send in flight when the process dies can be repeated (its claim is re-taken after a
 * restart; the provider sees the same idempotency key). A redelivered command the ledger knows as
 * sent gets `sent` feedback again rather than a suppression, so a crash between markSent and the
 * feedback write loses no `sent` record: feedback is at least once, keyed by commandId.
 */
export class DeliveryPipeline {
  readonly #options: DeliveryPipelineOptions;
  readonly #adapters = new Map<string, ChannelAdapter>();
  readonly #limit: ConcurrencyLimit;
  readonly #clock: () => number;
  readonly #stopping = new AbortController();

  constructor(options: DeliveryPipelineOptions) {
    this.#options = options;
    for (const adapter of options.adapters) this.#adapters.set(adapter.channel, adapter);
    this.#limit = options.limit;
    this.#clock = options.clock ?? Date.now;
  }

  get clock(): () => number {
    return this.#clock;
  }

  /**
   * Takes every item to a recorded outcome. Redis or Kafka being unreachable makes it wait with
   * capped exponential backoff and resume where it stopped (nothing is sent unguarded, nothing
   * twice by this worker); resolves false if `control` says to give up while waiting, true when
   * every outcome is written. Non-retryable errors (a Redis script error) are thrown.
   */
  run(items: DeliveryItem[], control: RunControl): Promise<boolean> {
    return this.retrying(() => this.#advance(items), control, items.length);
  }

  /** Runs `action` until it succeeds, waiting out retryable errors; false when told to give up meanwhile. */
  async retrying(
    action: () => Promise<void>,
    control: RunControl,
    commands: number,
  ): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await action();
        return true;
      } catch (error) {
        if (!(error instanceof TouchstreamError) || !error.retryable) throw error;
        if (!control.isRunning() || this.#stopping.signal.aborted) return false;
        const waitMs = backoffDelay(attempt, this.#options.backoff);
        if (error instanceof SinkRedisUnavailableError)
          this.#options.metrics?.recordDeliveryRedisWait();
        this.#options.logger?.warn(
          { code: error.code, error: error.message, attempt, waitMs, commands },
          error instanceof SinkRedisUnavailableError
            ? 'redis unavailable; delivery batch waits and retries'
            : 'delivery batch waits and retries',
        );
        await pause(waitMs, this.#stopping.signal);
        if (!control.isRunning() || this.#stopping.signal.aborted) return false;
      }
    }
  }

  /** Ends every wait at once; runs in progress give up at their next check. */
  stop(): void {
    this.#stopping.abort();
  }

  async #advance(items: DeliveryItem[]): Promise<void> {
    this.#precheck(items);
    await this.#guard(items);
    await this.#recognizeSent(items);
    await this.#send(items);
    await this.#finish(items);
    await this.#remember(items);
    await this.#followUp(items);
    await this.#write(items);
  }

  #precheck(items: readonly DeliveryItem[]): void {
    // One batch's claims are all made by one owner, and an owner may re-claim its own command, so
    // the ledger cannot tell two copies in one batch apart: only the first goes on.
    const seen = new Set<string>();
    for (const item of items) {
      const id = item.command?.commandId;
      const repeated = id !== undefined && seen.has(id);
      if (id !== undefined) seen.add(id);
      if (item.outcome !== undefined || item.done.has('guarded')) continue;
      if (item.invalid !== undefined) {
        item.outcome = { status: 'suppressed', guard: null, reason: item.invalid.reason };
        continue;
      }
      const command = item.command!;
      if (repeated) {
        item.outcome = {
          status: 'suppressed',
          guard: 'idempotency',
          reason: `command ${command.commandId} appears twice in one batch; the first copy is delivered`,
        };
        continue;
      }
      if (command.heldOut) {
        item.outcome = { status: 'suppressed', guard: 'holdout', reason: HOLDOUT_REASON };
        continue;
      }
      const adapter = this.#adapters.get(command.channel);
      const problem =
        adapter === undefined
          ? `no adapter for channel ${command.channel}`
          : adapter.check(command);
      if (problem !== undefined)
        item.outcome = { status: 'suppressed', guard: null, reason: problem };
    }
  }

  async #guard(items: readonly DeliveryItem[]): Promise<void> {
    const pending = items.filter((item) => item.outcome === undefined && !item.done.has('guarded'));
    if (pending.length === 0) return;
    const decisions = await this.#options.guards.checkBatch(
      pending.map((item) => guardedOf(item.command!)),
    );
    for (let i = 0; i < pending.length; i++) {
      const item = pending[i];
      const decision = decisions[i];
      item.done.add('guarded');
      if (decision.action === 'suppress') {
        item.outcome = { status: 'suppressed', guard: decision.guard, reason: decision.reason };
      } else if (decision.action === 'defer') {
        item.outcome = {
          status: 'deferred',
          guard: decision.guard,
          until: decision.until,
          reason: decision.reason,
          afterSend: false,
        };
      }
    }
  }

  /** A redelivery the idempotency guard stopped because the command was sent is reported as sent. */
  async #recognizeSent(items: readonly DeliveryItem[]): Promise<void> {
    const pending = items.filter(
      (item) =>
        item.outcome?.status === 'suppressed' &&
        item.outcome.guard === 'idempotency' &&
        item.done.has('guarded') &&
        !item.done.has('recognized'),
    );
    if (pending.length === 0) return;
    const { guards, redis } = this.#options;
    const states = await Promise.all(
      pending.map((item) => ledgerState(redis, guards.ledger.key(item.command!.commandId))),
    );
    for (let i = 0; i < pending.length; i++) {
      const item = pending[i];
      item.done.add('recognized');
      if (states[i] !== 'sent') continue;
      item.outcome = { status: 'sent', attempts: 0, redelivered: true };
      item.done.add('finished');
    }
  }

  async #send(items: readonly DeliveryItem[]): Promise<void> {
    const pending = items.filter((item) => item.outcome === undefined && item.done.has('guarded'));
    if (pending.length === 0) return;
    // allSettled: every send must have landed in its item before a retry looks at the batch again.
    await Promise.allSettled(pending.map((item) => this.#limit.run(() => this.#sendOne(item))));
  }

  async #sendOne(item: DeliveryItem): Promise<void> {
    const command = item.command!;
    const adapter = this.#adapters.get(command.channel)!;
    const started = performance.now();
    let result: SendResult;
    try {
      result = await adapter.send(command);
    } catch (error) {
      const failure = new AdapterThrewError(command.channel, command.commandId, error);
      result = {
        status: 'failed',
        code: failure.code,
        reason: failure.message,
        retryable: true,
        attempts: 1,
      };
    }
    this.#options.metrics?.observeDeliverySendLatency(command.channel, performance.now() - started);
    item.outcome = outcomeOf(result);
    if (result.status !== 'sent') return;
    // Marked at once, not with the batch: a crash re-reads the batch, and only what the ledger
    // knows as sent is kept from going out twice. A failure here is retried by #finish.
    try {
      await this.#options.guards.ledger.markSent(command.commandId, this.#options.owner);
      item.done.add('finished');
    } catch {
      // left for #finish
    }
  }

  async #remember(items: readonly DeliveryItem[]): Promise<void> {
    const records = this.#options.records;
    if (records === undefined) return;
    const pending = items.filter(
      (item) =>
        item.outcome?.status === 'sent' &&
        item.outcome.redelivered !== true &&
        !item.done.has('remembered'),
    );
    if (pending.length === 0) return;
    try {
      await records.remember(
        pending.map((item) => {
          const { commandId, customerId, trigger, channel, at } = item.command!;
          const outcome = item.outcome as { providerMessageId?: string };
          return {
            commandId,
            customerId,
            trigger,
            channel,
            at,
            providerMessageId: outcome.providerMessageId,
          };
        }),
      );
    } catch (error) {
      if (error instanceof TouchstreamError) throw error;
      throw redisError('command records', error);
    }
    for (const item of pending) item.done.add('remembered');
  }

  /** Redis work an outcome needs before its feedback may be written; each step once per item. */
  async #followUp(items: readonly DeliveryItem[]): Promise<void> {
    const { guards, deferrals, owner } = this.#options;
    const work: Promise<void>[] = [];
    for (const item of items) {
      const outcome = item.outcome;
      if (outcome === undefined || item.command === undefined) continue;
      const command = item.command;
      if (outcome.status === 'deferred') {
        work.push(
          (async () => {
            if (outcome.afterSend) {
              await once(item, 'release', () => guards.ledger.release(command.commandId, owner));
              await once(item, 'refund', () => guards.refundCaps(guardedOf(command)));
            }
            await once(item, 'defer', () => deferrals.defer(command, outcome.until));
          })(),
        );
      } else if (outcome.status === 'failed') {
        work.push(
          (async () => {
            // The customer was not touched, so the touch does not count against the caps.
            await once(item, 'refund', () => guards.refundCaps(guardedOf(command)));
            // A rejected touch (bad request, unsubscribed) is finished; one whose retries ran out may be replayed later.
            await once(item, 'settle', () =>
              outcome.retryable
                ? guards.ledger.release(command.commandId, owner)
                : guards.ledger.markSuppressed(command.commandId, owner),
            );
          })(),
        );
      }
    }
    await settleAll(work);
  }

  async #write(items: readonly DeliveryItem[]): Promise<void> {
    const pending = items.filter((item) => item.outcome !== undefined && !item.done.has('written'));
    if (pending.length === 0) return;
    const at = this.#clock();
    const feedback: DeliveryFeedback[] = [];
    const deadLetters: DeliveryDeadLetter[] = [];
    for (const item of pending) {
      feedback.push(feedbackOf(item, at));
      const letter = deadLetterOf(item, at);
      if (letter !== undefined) deadLetters.push(letter);
    }
    await this.#options.output.write(feedback, deadLetters);
    for (const item of pending) item.done.add('written');
    this.#count(feedback);
  }

  async #finish(items: readonly DeliveryItem[]): Promise<void> {
    const { guards, owner } = this.#options;
    const work: Promise<void>[] = [];
    for (const item of items) {
      if (item.outcome?.status !== 'sent' || item.done.has('finished')) continue;
      const commandId = item.command!.commandId;
      work.push(once(item, 'finished', () => guards.ledger.markSent(commandId, owner)));
    }
    await settleAll(work);
  }

  #count(feedback: readonly DeliveryFeedback[]): void {
    const metrics = this.#options.metrics;
    if (metrics === undefined) return;
    const counts = new Map<string, number>();
    for (const f of feedback) {
      const key = `${f.channel}\u0000${f.status}\u0000${f.guard ?? 'none'}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, count] of counts) {
      const [channel, status, guard] = key.split('\u0000');
      metrics.recordDeliveryOutcome(channel, status, guard, count);
      if (status === 'sent' && guard === 'none') metrics.recordTouchDelivered(channel, count);
      if (status === 'suppressed')
        metrics.recordTouchSuppressed(channel, guard === 'none' ? 'invalid' : guard, count);
    }
  }
}

async function once(item: DeliveryItem, step: Step, action: () => Promise<unknown>): Promise<void> {
  if (item.done.has(step)) return;
  await action();
  item.done.add(step);
}

/** Waits for every step (so those that succeeded are recorded as done), then throws the first failure. */
async function settleAll(work: readonly Promise<void>[]): Promise<void> {
  if (work.length === 0) return;
  for (const result of await Promise.allSettled(work))
    if (result.status === 'rejected') throw result.reason;
}

/*
 * The ledger's value is "sent", "suppressed" or "claimed|<owner>|<lease>" (idempotency-ledger.ts);
 * only "sent" matters here.
 */
async function ledgerState(redis: Redis, key: string): Promise<string | null> {
  try {
    return await redis.get(key);
  } catch (error) {
    throw redisError(`idempotency look-up of ${key}`, error);
  }
}

/** A reply error is a bug that retrying repeats; anything else means Redis did not answer. */
function redisError(operation: string, error: unknown): Error {
  return error instanceof Error && error.name === 'ReplyError'
    ? new SinkRedisCommandError(operation, error)
    : new SinkRedisUnavailableError(operation, error);
}
