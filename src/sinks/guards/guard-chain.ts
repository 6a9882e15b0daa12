import type { Redis } from 'ioredis';
import {
  InvalidGuardInputError,
  SinkRedisCommandError,
  SinkRedisUnavailableError,
} from './errors.js';
import type { GuardConfig } from './guard-config.js';
import { IdempotencyLedger, type ClaimResult } from './idempotency-ledger.js';
import { FrequencyCap, type FrequencyCapPlan } from './frequency-cap.js';
import { QuietHours } from './quiet-hours.js';
import { RateLimiter } from './rate-limiter.js';
import { assertTimeZone } from './zoned-time.js';
import { queueScript } from './lua-scripts.js';

export interface GuardedCommand {
  commandId: string;
  customerId: string;
  channel: string;
  /** IANA zone of the customer; the config's default when absent. */
  timeZone?: string;
  /** When the touch is meant to go out (epoch ms); guards judge it at max(at, now). */
  at: number;
}

export type GuardName = 'idempotency' | 'frequency-cap' | 'quiet-hours' | 'rate-limit';

export type GuardDecision =
  | { action: 'send' }
  | { action: 'suppress'; guard: GuardName; reason: string }
  | { action: 'defer'; guard: GuardName; until: number; reason: string };

export interface GuardChainOptions {
  config: Readonly<GuardConfig>;
  /** This instance's id: the owner of its idempotency claims (stable across its own retries). */
  owner: string;
  clock?: () => number;
}

interface Pending {
  command: GuardedCommand;
  timeZone: string;
  at: number;
  claim?: ClaimResult;
  plan?: FrequencyCapPlan;
  quietUntil?: number;
  quietReason?: string;
  counted?: boolean;
  decision?: GuardDecision;
}

type PipelineReply = [Error | null, unknown][] | null;

/**
 * Runs the guards in the order (idempotency, frequency caps, quiet hours, rate limit) for a
 * batch in four pipelined round trips whatever the batch size. A 'send' decision leaves the claim
 * held by `owner`: the worker calls ledger.markSent after the channel accepts, or release() and
 * refundCaps() after a retryable failure. Deferred commands have their claim released and are not
 * counted against caps, so they run the whole chain again when they come due.
 */
export class GuardChain {
  readonly ledger: IdempotencyLedger;
  readonly caps: FrequencyCap;
  readonly quietHours: QuietHours;
  readonly rateLimiter: RateLimiter;
  readonly #redis: Redis;
  readonly #config: Readonly<GuardConfig>;
  readonly #owner: string;
  readonly #clock: () => number;

  constructor(redis: Redis, options: GuardChainOptions) {
    this.#redis = redis;
    this.#config = options.config;
    this.#owner = options.owner;
    this.#clock = options.clock ?? Date.now;
    this.ledger = new IdempotencyLedger(redis, {
      keyPrefix: options.config.keyPrefix,
      ...options.config.idempotency,
    });
    this.caps = new FrequencyCap(redis, options.config);
    this.quietHours = new QuietHours(options.config.quietHours);
    this.rateLimiter = new RateLimiter(redis, options.config);
  }

  async check(command: GuardedCommand): Promise<GuardDecision> {
    return (await this.checkBatch([command]))[0];
  }

  /** Decisions in the order of the commands. Throws TS_SINK_REDIS_UNAVAILABLE (retryable) rather than guess. */
  async checkBatch(commands: readonly GuardedCommand[]): Promise<GuardDecision[]> {
    const now = this.#clock();
    const pending: Pending[] = commands.map((command) => this.#prepare(command, now));

    // 1. idempotency
    let pipe = this.#redis.pipeline();
    for (const p of pending)
      queueScript(pipe, this.ledger.claimArgs(p.command.commandId, this.#owner, now));
    const claims = this.#replies(
      'idempotency claims',
      await this.#exec('idempotency claims', pipe),
    );
    for (let i = 0; i < pending.length; i++) {
      const p = pending[i];
      p.claim = claims[i] as ClaimResult;
      if (p.claim === 'duplicate-sent' || p.claim === 'duplicate-suppressed') {
        p.decision = {
          action: 'suppress',
          guard: 'idempotency',
          reason: `command ${p.command.commandId} already ${p.claim.slice(10)}`,
        };
      } else if (p.claim === 'in-flight-by-other') {
        p.decision = {
          action: 'defer',
          guard: 'idempotency',
          until: now + this.#config.idempotency.leaseMs,
          reason: `command ${p.command.commandId} is being sent by another worker`,
        };
      }
    }

    // 2. frequency caps (quiet hours is pure and decided first, so a touch that will be deferred is only checked, not counted)
    pipe = this.#redis.pipeline();
    const capped: Pending[] = [];
    for (const p of pending) {
      if (p.decision !== undefined) continue;
      const quiet = this.quietHours.check(p.command.channel, p.at, p.timeZone);
      if (!quiet.allowed) {
        p.quietUntil = quiet.until;
        p.quietReason = quiet.reason;
      }
      p.plan = this.caps.plan(p.command.customerId, p.command.channel, p.at, p.timeZone);
      if (p.plan.keys.length === 0) continue;
      p.counted = quiet.allowed;
      queueScript(pipe, this.caps.evalArgs(p.plan, quiet.allowed));
      capped.push(p);
    }
    if (capped.length > 0) {
      const replies = this.#replies('frequency caps', await this.#exec('frequency caps', pipe));
      for (let i = 0; i < capped.length; i++) {
        const p = capped[i];
        const result = FrequencyCap.interpret(p.plan!, replies[i] as [number, number]);
        if (!result.allowed) {
          p.counted = false;
          p.decision = { action: 'suppress', guard: 'frequency-cap', reason: result.reason };
        }
      }
    }

    // 3. quiet hours
    for (const p of pending) {
      if (p.decision === undefined && p.quietUntil !== undefined) {
        p.decision = {
          action: 'defer',
          guard: 'quiet-hours',
          until: p.quietUntil,
          reason: p.quietReason!,
        };
      }
    }

    // 4. rate limits (in command order within the pipeline, so earlier commands get tokens first)
    pipe = this.#redis.pipeline();
    const limited: Pending[] = [];
    for (const p of pending) {
      if (p.decision !== undefined || !this.rateLimiter.hasLimit(p.command.channel)) continue;
      queueScript(pipe, this.rateLimiter.evalArgs(p.command.channel, 1, now));
      limited.push(p);
    }
    if (limited.length > 0) {
      const replies = this.#replies('rate limits', await this.#exec('rate limits', pipe));
      for (let i = 0; i < limited.length; i++) {
        const [granted, wait] = replies[i] as [number, number];
        if (granted !== 1) {
          const p = limited[i];
          p.decision = {
            action: 'defer',
            guard: 'rate-limit',
            until: now + wait,
            reason: `rate limit of ${p.command.channel} reached; next token in ${wait} ms`,
          };
        }
      }
    }

    // Settle: suppressed commands are finished for good; deferred ones give back claim and counts.
    pipe = this.#redis.pipeline();
    let settles = 0;
    for (const p of pending) {
      const d = p.decision;
      if (
        d === undefined ||
        p.claim === undefined ||
        p.claim === 'duplicate-sent' ||
        p.claim === 'duplicate-suppressed' ||
        p.claim === 'in-flight-by-other'
      )
        continue;
      if (d.action === 'suppress') {
        queueScript(pipe, this.ledger.finishArgs(p.command.commandId, this.#owner, 'suppressed'));
        settles++;
      } else {
        queueScript(pipe, this.ledger.releaseArgs(p.command.commandId, this.#owner));
        settles++;
        if (p.counted === true) {
          queueScript(pipe, this.caps.refundArgs(p.plan!));
          settles++;
        }
      }
    }
    if (settles > 0) this.#replies('guard settlement', await this.#exec('guard settlement', pipe));

    return pending.map((p) => p.decision ?? { action: 'send' });
  }

  /** After a retryable send failure: the command's cap counts are taken back (pair with ledger.release). */
  async refundCaps(command: GuardedCommand): Promise<void> {
    const p = this.#prepare(command, this.#clock());
    await this.caps.refund(command.customerId, command.channel, p.at, p.timeZone);
  }

  #prepare(command: GuardedCommand, now: number): Pending {
    for (const f of ['commandId', 'customerId', 'channel'] as const) {
      if (typeof command[f] !== 'string' || command[f].length === 0)
        throw new InvalidGuardInputError(f, 'must be a non-empty string', command[f]);
    }
    if (!Number.isFinite(command.at))
      throw new InvalidGuardInputError('at', 'must be epoch milliseconds', command.at);
    const timeZone = command.timeZone ?? this.#config.defaultTimeZone;
    assertTimeZone(timeZone);
    return { command, timeZone, at: Math.max(command.at, now) };
  }

  async #exec(operation: string, pipe: ReturnType<Redis['pipeline']>): Promise<PipelineReply> {
    try {
      return await pipe.exec();
    } catch (error) {
      throw new SinkRedisUnavailableError(operation, error);
    }
  }

  #replies(operation: string, reply: PipelineReply): unknown[] {
    if (reply === null)
      throw new SinkRedisUnavailableError(operation, new Error('pipeline was discarded'));
    return reply.map(([error, value]) => {
      if (error === null) return value;
      if (error.name === 'ReplyError') throw new SinkRedisCommandError(operation, error);
      throw new SinkRedisUnavailableError(operation, error);
    });
  }
}
