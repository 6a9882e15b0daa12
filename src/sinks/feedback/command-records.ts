/**
 * A small record per delivered command, so a provider receipt that carries only a command id (or
 * only the provider's own message id) can be turned into feedback for the right customer and
 * trigger. Command ids cannot always be split (see command-id.ts), and WeChat's receipts name
 * only WeChat's msgid.
 *
 * Layout in Redis, every key under the prefix and expiring after the TTL:
 *
 *   <prefix>cmd:<commandId>                      hash  customerId, trigger, channel, at
 *   <prefix>msg:<channel>:<providerMessageId>    string  the commandId
 *
 * The delivery worker writes them (`remember`, one pipelined round trip per batch) when a send
 * succeeds; the callbacks read them (`getMany`, `commandsOfMessages`).
 */
import type { Redis } from 'ioredis';
import { InvalidCommandRecordError } from './errors.js';

export interface CommandRecord {
  customerId: string;
  trigger: string;
  channel: string;
  /** When the trigger fired (epoch ms). */
  at: number;
}

export interface RememberedCommand extends CommandRecord {
  commandId: string;
  /** The provider's id of the message, when it gave one (JPush msg_id, WeChat msgid, ...). */
  providerMessageId?: string;
}

/** The read side, as the callbacks need it. */
export interface CommandRecordLookup {
  /** One record per id, in order; undefined when none was kept (or it expired). */
  getMany(commandIds: readonly string[]): Promise<(CommandRecord | undefined)[]>;
  /** The command id of each provider message id of a channel, in order. */
  commandsOfMessages(
    channel: string,
    providerMessageIds: readonly string[],
  ): Promise<(string | undefined)[]>;
}

export interface RedisCommandRecordsOptions {
  redis: Redis;
  /** Prefix of every key, e.g. `touchstream:commands:`. */
  keyPrefix: string;
  /** How long a record is kept (default 30 days: receipts and clicks come within days). */
  ttlMs?: number;
}

export const DEFAULT_COMMAND_RECORD_TTL_MS = 30 * 86_400_000;

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new InvalidCommandRecordError(field, value);
  return value;
}

export class RedisCommandRecords implements CommandRecordLookup {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlMs: number;

  constructor(options: RedisCommandRecordsOptions) {
    this.#redis = options.redis;
    this.#prefix = options.keyPrefix;
    this.#ttlMs = options.ttlMs ?? DEFAULT_COMMAND_RECORD_TTL_MS;
  }

  async remember(commands: readonly RememberedCommand[]): Promise<void> {
    if (commands.length === 0) return;
    const pipeline = this.#redis.pipeline();
    for (const command of commands) {
      const id = requireText(command.commandId, 'commandId');
      const key = this.#commandKey(id);
      pipeline.hset(key, {
        customerId: requireText(command.customerId, 'customerId'),
        trigger: requireText(command.trigger, 'trigger'),
        channel: requireText(command.channel, 'channel'),
        at: String(command.at),
      });
      pipeline.pexpire(key, this.#ttlMs);
      if (command.providerMessageId !== undefined && command.providerMessageId.length > 0)
        pipeline.set(
          this.#messageKey(command.channel, command.providerMessageId),
          id,
          'PX',
          this.#ttlMs,
        );
    }
    await execAll(pipeline);
  }

  async getMany(commandIds: readonly string[]): Promise<(CommandRecord | undefined)[]> {
    if (commandIds.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const id of commandIds) pipeline.hgetall(this.#commandKey(id));
    const replies = await execAll(pipeline);
    return replies.map((reply) => recordOf(reply as Record<string, string>));
  }

  async commandsOfMessages(
    channel: string,
    providerMessageIds: readonly string[],
  ): Promise<(string | undefined)[]> {
    if (providerMessageIds.length === 0) return [];
    const keys = providerMessageIds.map((id) => this.#messageKey(channel, id));
    const replies = await this.#redis.mget(...keys);
    return replies.map((reply) => reply ?? undefined);
  }

  #commandKey(commandId: string): string {
    return `${this.#prefix}cmd:${commandId}`;
  }

  #messageKey(channel: string, providerMessageId: string): string {
    return `${this.#prefix}msg:${channel}:${providerMessageId}`;
  }
}

function recordOf(hash: Record<string, string> | null): CommandRecord | undefined {
  if (hash === null || hash.customerId === undefined || hash.trigger === undefined)
    return undefined;
  const at = Number(hash.at);
  return {
    customerId: hash.customerId,
    trigger: hash.trigger,
    channel: hash.channel ?? '',
    at: Number.isSafeInteger(at) ? at : 0,
  };
}

/** Runs a pipeline and throws the first command error instead of returning it among the replies. */
async function execAll(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, reply]) => {
    if (error !== null) throw error;
    return reply;
  });
}
