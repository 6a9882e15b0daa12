import type { Redis } from 'ioredis';
import { redisCall } from './errors.js';
import { installScripts, runScript } from './lua-scripts.js';

export type ClaimResult =
  'claimed' | 'duplicate-sent' | 'duplicate-suppressed' | 'in-flight-by-other' | 'reclaimed-stale';

export interface IdempotencyLedgerOptions {
  keyPrefix: string;
  /** How long a claim may go without markSent before another worker may take it over. */
  leaseMs: number;
  /** How long a finished command is remembered; must outlast any redelivery of the command. */
  sentTtlMs: number;
}

/*
 * Key format: <prefix>idem:<commandId> -> "claimed|<owner>|<leaseUntilMs>" | "sent" | "suppressed".
 * The lease deadline lives in the value, not in the key's TTL, so an expired claim is told apart
 * from a never-seen command ('reclaimed-stale' vs 'claimed') and the injected clock decides it.
 * A claimed key keeps the long TTL too: Redis forgetting it early would allow a second send.
 */
const CLAIM = `
local v = redis.call('GET', KEYS[1])
local now = tonumber(ARGV[2])
local value = 'claimed|' .. ARGV[1] .. '|' .. (now + tonumber(ARGV[3]))
if not v then
  redis.call('SET', KEYS[1], value, 'PX', ARGV[4])
  return 'claimed'
end
if v == 'sent' then return 'duplicate-sent' end
if v == 'suppressed' then return 'duplicate-suppressed' end
local owner, lease = string.match(v, '^claimed|(.*)|(%d+)$')
if owner == ARGV[1] then
  redis.call('SET', KEYS[1], value, 'PX', ARGV[4])
  return 'claimed'
end
if lease and tonumber(lease) > now then return 'in-flight-by-other' end
redis.call('SET', KEYS[1], value, 'PX', ARGV[4])
return 'reclaimed-stale'
`;

// Finishing is recorded even when another worker has re-claimed in the meantime: the send did
// happen, and that worker's next claim or markSent must see it as done.
const FINISH = `
local v = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
if not v then return 'unclaimed' end
if string.match(v, '^claimed|(.*)|%d+$') == ARGV[1] then return 'owned' end
return 'not-owner'
`;

const RELEASE = `
local v = redis.call('GET', KEYS[1])
if v and string.match(v, '^claimed|(.*)|%d+$') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

export type FinishResult = 'owned' | 'not-owner' | 'unclaimed';

/** Who may send a command: a claim per command id, across instances and restarts. */
export class IdempotencyLedger {
  readonly #redis: Redis;
  readonly #options: IdempotencyLedgerOptions;

  constructor(redis: Redis, options: IdempotencyLedgerOptions) {
    this.#redis = redis;
    this.#options = options;
    installScripts(redis, [CLAIM, FINISH, RELEASE]);
  }

  key(commandId: string): string {
    return `${this.#options.keyPrefix}idem:${commandId}`;
  }

  claimArgs(
    commandId: string,
    owner: string,
    now: number,
  ): [string, number, string, string, number, number, number] {
    return [
      CLAIM,
      1,
      this.key(commandId),
      owner,
      now,
      this.#options.leaseMs,
      this.#options.sentTtlMs,
    ];
  }

  claim(commandId: string, owner: string, now: number): Promise<ClaimResult> {
    return redisCall(
      `idempotency claim of ${commandId}`,
      () => runScript(this.#redis, this.claimArgs(commandId, owner, now)) as Promise<ClaimResult>,
    );
  }

  releaseArgs(commandId: string, owner: string): [string, number, string, string] {
    return [RELEASE, 1, this.key(commandId), owner];
  }

  finishArgs(
    commandId: string,
    owner: string,
    state: 'sent' | 'suppressed',
  ): [string, number, string, string, string, number] {
    return [FINISH, 1, this.key(commandId), owner, state, this.#options.sentTtlMs];
  }

  /** Call after the channel accepted the touch; from then on the command is never sent again. */
  markSent(commandId: string, owner: string): Promise<FinishResult> {
    return this.#finish(commandId, owner, 'sent');
  }

  /** A guard stopped the command for good (a cap): a redelivery must not send it either. */
  markSuppressed(commandId: string, owner: string): Promise<FinishResult> {
    return this.#finish(commandId, owner, 'suppressed');
  }

  /** Give the claim back after a retryable failure or a deferral, so the next attempt may claim at once. */
  release(commandId: string, owner: string): Promise<boolean> {
    return redisCall(
      `idempotency release of ${commandId}`,
      async () => (await runScript(this.#redis, this.releaseArgs(commandId, owner))) === 1,
    );
  }

  #finish(commandId: string, owner: string, state: 'sent' | 'suppressed'): Promise<FinishResult> {
    return redisCall(
      `idempotency mark-${state} of ${commandId}`,
      () =>
        runScript(this.#redis, this.finishArgs(commandId, owner, state)) as Promise<FinishResult>,
    );
  }
}
