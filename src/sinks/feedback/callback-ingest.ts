/**
 * Turns provider receipts (delivered, clicked, failed) into records of the feedback topic, keyed
 * by customer so they land in the partition of the customer's other feedback. A receipt names a
 * command by our command id, or only by the provider's message id; whose command it is comes from
 * the command records when they are kept, else from the command id itself.
 *
 * It answers once Kafka has the records, so a provider told "ok" never loses a receipt; a receipt
 * that cannot be resolved is reported back, not retried (it never will resolve).
 */
import type { Producer } from 'kafkajs';
import type { DeliveryFeedback } from '../delivery/index.js';
import { parseCommandId } from './command-id.js';
import type { CommandRecord, CommandRecordLookup } from './command-records.js';
import { CommandLookupError, FeedbackWriteError } from './errors.js';

export type ReceiptStatus = 'delivered' | 'clicked' | 'failed';

export interface CallbackReceipt {
  /** Our command id, when the provider echoes it. */
  commandId?: string;
  /** The provider's own message id, when that is all the receipt carries (WeChat's MsgID). */
  providerMessageId?: string;
  status: ReceiptStatus;
  /** When it happened at the provider (epoch ms); default: when it was received. */
  at?: number;
  /** Why it failed, for `failed`. */
  reason?: string;
}

export interface UnresolvedReceipt {
  /** The receipt's place in the list it came in. */
  index: number;
  id: string;
  reason: string;
}

export interface IngestResult {
  /** Feedback records written. */
  accepted: number;
  unresolved: UnresolvedReceipt[];
}

export interface CallbackIngestOptions {
  producer: Pick<Producer, 'send'>;
  topic: string;
  /** The app's feedback encoding (jsonDeliveryCodecs or avroDeliveryCodecs). */
  encode(feedback: DeliveryFeedback): Uint8Array;
  /** Absent: command ids are parsed, and receipts naming only a provider id stay unresolved. */
  records?: CommandRecordLookup;
  /** Trigger ids in force, to split command ids whose trigger or customer contains a colon. */
  knownTriggers?: () => Iterable<string>;
  clock?: () => number;
}

interface Resolved {
  commandId: string;
  record: CommandRecord;
}

export class CallbackIngest {
  readonly #options: CallbackIngestOptions;
  readonly #clock: () => number;

  constructor(options: CallbackIngestOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
  }

  async ingest(channel: string, receipts: readonly CallbackReceipt[]): Promise<IngestResult> {
    const unresolved: UnresolvedReceipt[] = [];
    const commandIds = await this.#commandIds(channel, receipts, unresolved);
    const records = await this.#records(channel, commandIds);
    const now = this.#clock();
    const feedback: DeliveryFeedback[] = [];
    receipts.forEach((receipt, index) => {
      const commandId = commandIds[index];
      if (commandId === undefined) return;
      const resolved = records.get(commandId);
      if (resolved === undefined) {
        unresolved.push({
          index,
          id: commandId,
          reason:
            'no command record, and the command id does not split into trigger and customer; ' +
            'the delivery stage keeps records of the commands it sends',
        });
        return;
      }
      feedback.push(feedbackOf(channel, resolved, receipt, now));
    });
    unresolved.sort((a, b) => a.index - b.index);
    if (feedback.length > 0) await this.#write(feedback);
    return { accepted: feedback.length, unresolved };
  }

  /** The command id of each receipt, looked up by provider message id where it has none. */
  async #commandIds(
    channel: string,
    receipts: readonly CallbackReceipt[],
    unresolved: UnresolvedReceipt[],
  ): Promise<(string | undefined)[]> {
    const ids = receipts.map((receipt) => receipt.commandId);
    const byMessage = receipts
      .map((receipt, index) => ({ index, messageId: receipt.providerMessageId }))
      .filter(
        (entry): entry is { index: number; messageId: string } =>
          ids[entry.index] === undefined && entry.messageId !== undefined,
      );
    const lookup = this.#options.records;
    let found: (string | undefined)[] = [];
    if (byMessage.length > 0 && lookup !== undefined) {
      try {
        found = await lookup.commandsOfMessages(
          channel,
          byMessage.map((entry) => entry.messageId),
        );
      } catch (error) {
        throw new CommandLookupError(`${byMessage.length} ${channel} message id(s)`, error);
      }
    }
    byMessage.forEach((entry, i) => {
      ids[entry.index] = found[i];
      if (found[i] === undefined) {
        unresolved.push({
          index: entry.index,
          id: entry.messageId,
          reason: `no command record for ${channel} message ${entry.messageId}`,
        });
      }
    });
    return ids;
  }

  /** Whose command each id is: its record, or failing that, what the id itself says. */
  async #records(
    channel: string,
    commandIds: readonly (string | undefined)[],
  ): Promise<Map<string, Resolved>> {
    const distinct = [...new Set(commandIds.filter((id): id is string => id !== undefined))];
    const resolved = new Map<string, Resolved>();
    let stored: (CommandRecord | undefined)[] = [];
    const lookup = this.#options.records;
    if (lookup !== undefined && distinct.length > 0) {
      try {
        stored = await lookup.getMany(distinct);
      } catch (error) {
        // Ids that split on their own need no record; only the others must wait for Redis.
        if (distinct.some((id) => this.#parse(id, channel) === undefined))
          throw new CommandLookupError(`${distinct.length} command id(s)`, error);
      }
    }
    distinct.forEach((commandId, i) => {
      const record = stored[i] ?? this.#parse(commandId, channel);
      if (record !== undefined) resolved.set(commandId, { commandId, record });
    });
    return resolved;
  }

  #parse(commandId: string, channel: string): CommandRecord | undefined {
    const parsed = parseCommandId(commandId, this.#options.knownTriggers?.() ?? []);
    return parsed === undefined
      ? undefined
      : { customerId: parsed.customerId, trigger: parsed.trigger, channel, at: parsed.at };
  }

  async #write(feedback: readonly DeliveryFeedback[]): Promise<void> {
    const { producer, topic, encode } = this.#options;
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: feedback.map((record) => ({
          key: record.customerId,
          value: Buffer.from(encode(record)),
          timestamp: String(record.at),
        })),
      });
    } catch (error) {
      throw new FeedbackWriteError(topic, feedback.length, error);
    }
  }
}

function feedbackOf(
  channel: string,
  resolved: Resolved,
  receipt: CallbackReceipt,
  now: number,
): DeliveryFeedback {
  return {
    commandId: resolved.commandId,
    customerId: resolved.record.customerId,
    trigger: resolved.record.trigger,
    // The record knows the channel the command went out on; the route only where the receipt came in.
    channel: resolved.record.channel.length > 0 ? resolved.record.channel : channel,
    status: receipt.status,
    reason: receipt.status === 'failed' ? (receipt.reason ?? 'failed at the provider') : null,
    guard: null,
    until: null,
    at: receipt.at ?? now,
  };
}
