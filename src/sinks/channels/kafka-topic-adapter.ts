import { BaseChannelAdapter } from './base-channel-adapter.js';
import type { AdapterRuntime, AttemptResult } from './base-channel-adapter.js';
import type { KafkaChannelConfig } from './channel-config.js';
import { ProviderRejectedError, ProviderUnavailableError } from './errors.js';
import type { TouchCommand } from './types.js';

/** The part of a kafkajs Producer this adapter uses; a connected kafkajs Producer fits as is. */
export interface TopicProducer {
  send(record: {
    topic: string;
    messages: { key: string; value: string; headers: Record<string, string> }[];
  }): Promise<{ partition: number; baseOffset?: string }[]>;
}

export const COMMAND_ID_HEADER = 'touchstream-command-id';

/**
 * kafkajs marks transient errors `retriable`; once its own retries give up it wraps the last one
 * in KafkaJSNumberOfRetriesExceeded, which it marks non-retriable although the cause was transient.
 */
export function isRetriableKafkaError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { name, retriable } = error as { name?: unknown; retriable?: unknown };
  return name === 'KafkaJSNumberOfRetriesExceeded' || retriable === true;
}

/**
 * For channels another team delivers: the command as JSON, keyed by customer, on the channel's
 * topic. A timed-out write may still land, so the receiving side deduplicates by the command id
 * (also in the `touchstream-command-id` header).
 */
export class KafkaTopicAdapter extends BaseChannelAdapter {
  readonly #config: KafkaChannelConfig;
  readonly #producer: TopicProducer;

  constructor(
    channel: string,
    config: KafkaChannelConfig,
    producer: TopicProducer,
    runtime: AdapterRuntime = {},
  ) {
    super(channel, config.http, runtime);
    this.#config = config;
    this.#producer = producer;
  }

  protected _check(command: TouchCommand): string | undefined {
    return this.unknownTemplate(command, this.#config.templates);
  }

  protected async _attempt(command: TouchCommand): Promise<AttemptResult> {
    const write = this.#producer.send({
      topic: this.#config.topic,
      messages: [
        {
          key: command.customerId,
          value: JSON.stringify(command),
          headers: { [COMMAND_ID_HEADER]: command.commandId },
        },
      ],
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    try {
      const outcome = await Promise.race([write, timeout]);
      if (outcome === 'timeout') {
        // The write goes on in the background; its late failure has nobody left to tell.
        write.catch(() => undefined);
        return {
          ok: false,
          error: new ProviderUnavailableError(
            this.channel,
            `topic ${this.#config.topic} did not acknowledge within ${this.timeoutMs} ms`,
          ),
        };
      }
      const [first] = outcome;
      return first?.baseOffset === undefined
        ? { ok: true }
        : {
            ok: true,
            providerMessageId: `${this.#config.topic}/${first.partition}/${first.baseOffset}`,
          };
    } catch (error) {
      const reason = `write to topic ${this.#config.topic} failed: ${error instanceof Error ? error.message : String(error)}`;
      return {
        ok: false,
        error: isRetriableKafkaError(error)
          ? new ProviderUnavailableError(this.channel, reason, error)
          : new ProviderRejectedError(this.channel, reason, error),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
