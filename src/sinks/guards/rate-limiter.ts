import type { Redis } from 'ioredis';
import { InvalidGuardInputError, redisCall } from './errors.js';
import type { RateLimit } from './guard-config.js';
import { installScripts, runScript } from './lua-scripts.js';
import type { ScriptCall } from './lua-scripts.js';

export interface RateDecision {
  granted: boolean;
  retryAfterMs: number;
}

/*
 * Key <prefix>rate:<channel> -> hash {tokens, ts}; tokens are kept in thousandths so that, with
 * time in ms and the rate per second, whole-number rates refill without float drift. The caller's clock is passed in (ARGV[4]); a
 * clock behind the stored ts refills nothing rather than going negative, so instances with skewed
 * clocks can only be stricter than the quota, never looser.
 */
const TAKE = `
local capacity = tonumber(ARGV[1]) * 1000
local rate = tonumber(ARGV[2])
local n = tonumber(ARGV[3]) * 1000
local now = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * rate)
  ts = now
end
local granted = 0
local wait = 0
if tokens >= n then
  tokens = tokens - n
  granted = 1
else
  wait = math.ceil((n - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(ts))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 60000)
return {granted, wait}
`;

/** A token bucket per channel in Redis, shared by every delivery instance, to stay within provider quotas. */
export class RateLimiter {
  readonly #redis: Redis;
  readonly #keyPrefix: string;
  readonly #limits: Readonly<Record<string, RateLimit>>;

  constructor(
    redis: Redis,
    config: { keyPrefix: string; rateLimits: Readonly<Record<string, RateLimit>> },
  ) {
    this.#redis = redis;
    this.#keyPrefix = config.keyPrefix;
    this.#limits = config.rateLimits;
    installScripts(redis, [TAKE]);
  }

  hasLimit(channel: string): boolean {
    return this.#limits[channel] !== undefined;
  }

  evalArgs(channel: string, n: number, now: number): ScriptCall {
    const limit = this.#limits[channel];
    if (n > limit.capacity)
      throw new InvalidGuardInputError(
        'n',
        `exceeds the ${channel} bucket capacity ${limit.capacity} and could never be granted`,
        n,
      );
    return [
      TAKE,
      1,
      `${this.#keyPrefix}rate:${channel}`,
      limit.capacity,
      limit.refillPerSecond,
      n,
      now,
    ];
  }

  /** Takes n tokens from the channel's bucket; a channel with no configured limit is always granted. */
  async take(channel: string, n: number, now: number): Promise<RateDecision> {
    if (!this.hasLimit(channel)) return { granted: true, retryAfterMs: 0 };
    const call = this.evalArgs(channel, n, now);
    const [granted, wait] = await redisCall(
      `rate limit of ${channel}`,
      () => runScript(this.#redis, call) as Promise<[number, number]>,
    );
    return { granted: granted === 1, retryAfterMs: wait };
  }
}
