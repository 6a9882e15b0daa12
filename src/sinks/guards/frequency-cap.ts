import type { Redis } from 'ioredis';
import { redisCall } from './errors.js';
import type { CapRule, GuardConfig } from './guard-config.js';
import { calendarPeriod } from './calendar-period.js';
import { installScripts, runScript } from './lua-scripts.js';
import type { ScriptCall } from './lua-scripts.js';

export type CapResult =
  | { allowed: true }
  | { allowed: false; scope: 'total' | string; rule: CapRule; count: number; reason: string };

/*
 * KEYS: one counter per applicable rule; ARGV: commit flag, then max and TTL ms per key.
 * Every counter is checked before any is touched, so a touch either counts everywhere or nowhere;
 * returns 0 when it passes, else the 1-based index of the first rule that stopped it and its count.
 * With commit = 0 it only checks (used when the touch will be deferred and counted later).
 */
const CHECK_AND_COUNT = `
for i = 1, #KEYS do
  local c = tonumber(redis.call('GET', KEYS[i]) or '0')
  if c + 1 > tonumber(ARGV[2 * i]) then return {i, c} end
end
if ARGV[1] == '1' then
  for i = 1, #KEYS do
    redis.call('INCR', KEYS[i])
    redis.call('PEXPIRE', KEYS[i], ARGV[2 * i + 1])
  end
end
return {0, 0}
`;

const REFUND = `
for i = 1, #KEYS do
  local c = tonumber(redis.call('GET', KEYS[i]) or '0')
  if c > 0 then redis.call('DECR', KEYS[i]) end
end
return 1
`;

// Counters outlive their period by an hour so instances with slightly different clocks still see them.
const EXPIRY_GRACE_MS = 3_600_000;

interface Plan {
  keys: string[];
  args: (string | number)[];
  rules: { scope: string; rule: CapRule }[];
}

/** Frequency caps across all triggers, per customer and per channel, in calendar periods of the customer's zone. */
export class FrequencyCap {
  readonly #redis: Redis;
  readonly #config: Pick<GuardConfig, 'keyPrefix' | 'frequencyCaps'>;

  constructor(redis: Redis, config: Pick<GuardConfig, 'keyPrefix' | 'frequencyCaps'>) {
    this.#redis = redis;
    this.#config = config;
    installScripts(redis, [CHECK_AND_COUNT, REFUND]);
  }

  plan(customerId: string, channel: string, at: number, timeZone: string): Plan {
    const plan: Plan = { keys: [], args: [], rules: [] };
    const add = (scope: string, rules: readonly CapRule[]): void => {
      for (const rule of rules) {
        const period = calendarPeriod(rule.per, at, timeZone);
        // Braces keep one customer's counters in one Redis Cluster slot, as the script needs.
        plan.keys.push(
          `${this.#config.keyPrefix}cap:{${customerId}}:${scope}:${rule.max}:${period.id}`,
        );
        plan.args.push(rule.max, Math.max(1, period.endMs - at) + EXPIRY_GRACE_MS);
        plan.rules.push({ scope, rule });
      }
    };
    add('total', this.#config.frequencyCaps.total);
    add(`ch:${channel}`, this.#config.frequencyCaps.channels[channel] ?? []);
    return plan;
  }

  evalArgs(plan: Plan, commit: boolean): ScriptCall {
    return [CHECK_AND_COUNT, plan.keys.length, ...plan.keys, commit ? '1' : '0', ...plan.args];
  }

  refundArgs(plan: Plan): ScriptCall {
    return [REFUND, plan.keys.length, ...plan.keys];
  }

  static interpret(plan: Plan, reply: [number, number]): CapResult {
    const [index, count] = reply;
    if (index === 0) return { allowed: true };
    const { scope, rule } = plan.rules[index - 1];
    const name = scope === 'total' ? 'all channels' : `channel ${scope.slice(3)}`;
    return {
      allowed: false,
      scope,
      rule,
      count,
      reason: `frequency cap ${rule.max} per ${rule.per} on ${name} reached (${count} already)`,
    };
  }

  /** Checks every applicable cap and, if all pass and commit is true, counts the touch in all of them. */
  async checkAndCount(
    customerId: string,
    channel: string,
    at: number,
    timeZone: string,
    commit = true,
  ): Promise<CapResult> {
    const plan = this.plan(customerId, channel, at, timeZone);
    if (plan.keys.length === 0) return { allowed: true };
    const reply = await redisCall(
      `frequency cap of customer ${customerId} on ${channel}`,
      () => runScript(this.#redis, this.evalArgs(plan, commit)) as Promise<[number, number]>,
    );
    return FrequencyCap.interpret(plan, reply);
  }

  /** Takes back a counted touch that did not go out after all (rate-limited, send failed retryably). */
  async refund(customerId: string, channel: string, at: number, timeZone: string): Promise<void> {
    const plan = this.plan(customerId, channel, at, timeZone);
    if (plan.keys.length === 0) return;
    await redisCall(`frequency cap refund of customer ${customerId} on ${channel}`, () =>
      runScript(this.#redis, this.refundArgs(plan)),
    );
  }
}

export type { Plan as FrequencyCapPlan };
