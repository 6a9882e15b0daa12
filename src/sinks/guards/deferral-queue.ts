import type { Redis } from 'ioredis';
import { redisCall } from './errors.js';
import { installScripts, runScript } from './lua-scripts.js';

/*
 * Keys: <prefix>deferred (sorted set, member = command id, score = due time) and
 * <prefix>deferred:cmd (hash, command id -> JSON command). Taking an entry does not delete it: it
 * is re-scored to now + lease, and ack() deletes it once the worker has handled it, so a worker
 * that dies after takeDue loses nothing; the entry comes due again when the lease runs out.
 */
const TAKE_DUE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #ids do
  local payload = redis.call('HGET', KEYS[2], ids[i])
  if payload then
    redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[3]), ids[i])
    out[#out + 1] = payload
  else
    redis.call('ZREM', KEYS[1], ids[i])
  end
end
return out
`;

const DEFER = `
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
`;

export interface DeferralQueueOptions {
  keyPrefix: string;
  /** How long a taken entry stays hidden from other workers before it is handed out again. */
  leaseMs?: number;
}

/** Touches deferred by quiet hours or rate limits, kept in Redis until they come due. */
export class DeferralQueue<C extends { commandId: string }> {
  readonly #redis: Redis;
  readonly #zset: string;
  readonly #hash: string;
  readonly #leaseMs: number;

  constructor(redis: Redis, options: DeferralQueueOptions) {
    this.#redis = redis;
    this.#zset = `${options.keyPrefix}deferred`;
    this.#hash = `${options.keyPrefix}deferred:cmd`;
    this.#leaseMs = options.leaseMs ?? 60_000;
    installScripts(redis, [DEFER, TAKE_DUE]);
  }

  /** Deferring a command id again moves it to the new time (one entry per command). */
  async defer(command: C, until: number): Promise<void> {
    await redisCall(`defer of ${command.commandId}`, () =>
      runScript(this.#redis, [
        DEFER,
        2,
        this.#zset,
        this.#hash,
        command.commandId,
        until,
        JSON.stringify(command),
      ]),
    );
  }

  /** Hands out up to `limit` entries due at `now`, each to one worker only; ack each when handled. */
  async takeDue(now: number, limit: number): Promise<C[]> {
    const payloads = await redisCall(
      'deferral take-due',
      () =>
        runScript(this.#redis, [
          TAKE_DUE,
          2,
          this.#zset,
          this.#hash,
          now,
          limit,
          this.#leaseMs,
        ]) as Promise<string[]>,
    );
    return payloads.map((p) => JSON.parse(p) as C);
  }

  async ack(commandId: string): Promise<void> {
    await redisCall(`deferral ack of ${commandId}`, () =>
      this.#redis.multi().zrem(this.#zset, commandId).hdel(this.#hash, commandId).exec(),
    );
  }

  async size(): Promise<number> {
    return redisCall('deferral size', () => this.#redis.zcard(this.#zset));
  }
}
