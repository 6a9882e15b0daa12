import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { errorCode, errorMessage } from '../../errors/index.js';
import type { DeliveryCodecs } from './delivery-codecs.js';
import type { DeliveryFeedback } from './delivery-feedback.js';
import { DeliveryOutputError } from './errors.js';

/** Where a command came from: a touch-commands record, or the deferral queue (no bytes of its own). */
export interface CommandSource {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
}

/** A command delivery gave up on: undecodable, invalid, or failed at its provider after the adapter's retries. */
export interface DeliveryDeadLetter {
  code: string;
  message: string;
  commandId: string | null;
  customerId: string | null;
  channel: string | null;
  attempts: number | null;
  source: CommandSource | null;
  /** The command as JSON when it came from the deferral queue (no source bytes). */
  command: unknown;
  at: number;
}

export interface DeliveryOutputOptions {
  kafka: Kafka;
  feedbackTopic: string;
  deadLetterTopic: string;
  codecs: DeliveryCodecs;
}

function base64(bytes: Uint8Array | null): string | null {
  return bytes === null
    ? null
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/*
 * Dead letters are JSON whatever the output encoding, in the runtime's dead-letter shape (raw key
 * and value as base64, the code also in the touchstream.error.code header), so one tool reads both.
 */
function deadLetterMessage(letter: DeliveryDeadLetter): Message {
  const source = letter.source;
  return {
    key:
      letter.commandId ??
      (source === null ? null : `${source.topic}/${source.partition}/${source.offset}`),
    value: JSON.stringify({
      stage: 'delivery',
      code: letter.code,
      message: letter.message,
      commandId: letter.commandId,
      customerId: letter.customerId,
      channel: letter.channel,
      attempts: letter.attempts,
      topic: source?.topic ?? null,
      partition: source?.partition ?? null,
      offset: source?.offset ?? null,
      timestamp: source?.timestamp ?? null,
      key: base64(source?.key ?? null),
      value: base64(source?.value ?? null),
      command: letter.command ?? null,
      at: letter.at,
    }),
    timestamp: String(letter.at),
    headers: { 'touchstream.error.code': letter.code },
  };
}

/**
 * Writes feedback and dead letters of one batch in one produce request, and resolves once Kafka
 * has them. After a failed write the producer is replaced: an idempotent producer whose sequence
 * the broker no longer accepts (a partition recreated, a long outage) would otherwise fail forever.
 */
export class DeliveryOutput {
  readonly #options: DeliveryOutputOptions;
  #producer: Promise<Producer> | undefined;
  #closed = false;

  constructor(options: DeliveryOutputOptions) {
    this.#options = options;
  }

  /** Connects the producer now rather than at the first write. */
  async connect(): Promise<void> {
    await this.#connected();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const producer = this.#producer;
    this.#producer = undefined;
    await (await producer?.catch(() => undefined))?.disconnect().catch(() => undefined);
  }

  #connected(): Promise<Producer> {
    this.#producer ??= (async () => {
      const producer = this.#options.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Short: the pipeline retries a failed write itself, with backoff, for as long as it takes.
        retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
      });
      await producer.connect();
      return producer;
    })();
    return this.#producer;
  }

  async write(
    feedback: readonly DeliveryFeedback[],
    deadLetters: readonly DeliveryDeadLetter[],
  ): Promise<void> {
    const { feedbackTopic, deadLetterTopic, codecs } = this.#options;
    const feedbackMessages: Message[] = [];
    const letters = [...deadLetters];
    for (const record of feedback) {
      let value: Uint8Array;
      try {
        value = codecs.encodeFeedback(record);
      } catch (error) {
        // An Avro feedback record cannot name a channel outside the schema's enum; keep the outcome on the dead-letter topic.
        letters.push({
          code: errorCode(error),
          message: `feedback ${record.status} of command ${record.commandId} cannot be encoded: ${errorMessage(error)}`,
          commandId: record.commandId,
          customerId: record.customerId,
          channel: record.channel,
          attempts: null,
          source: null,
          command: record,
          at: record.at,
        });
        continue;
      }
      feedbackMessages.push({
        key: record.customerId,
        value: Buffer.from(value.buffer, value.byteOffset, value.byteLength),
        timestamp: String(record.at),
      });
    }
    const topicMessages: TopicMessages[] = [];
    if (feedbackMessages.length > 0)
      topicMessages.push({ topic: feedbackTopic, messages: feedbackMessages });
    if (letters.length > 0)
      topicMessages.push({ topic: deadLetterTopic, messages: letters.map(deadLetterMessage) });
    if (topicMessages.length === 0) return;
    if (this.#closed)
      throw new DeliveryOutputError(
        topicMessages.map((t) => t.topic),
        new Error('the output is closed'),
      );
    const pending = this.#connected();
    try {
      await (await pending).sendBatch({ topicMessages, acks: -1 });
    } catch (error) {
      if (this.#producer === pending) {
        this.#producer = undefined;
        void pending.then((p) => p.disconnect()).catch(() => undefined);
      }
      throw new DeliveryOutputError(
        topicMessages.map((t) => t.topic),
        error,
      );
    }
  }
}
