import type { AcceptedMessage, ReceivedRequest } from './types.js';

/**
 * What one channel's provider received. Lookup and insert of an idempotency key happen in one
 * synchronous step, so concurrent duplicates cannot both be accepted.
 */
export class ChannelLog {
  readonly received: ReceivedRequest[] = [];
  readonly accepted: AcceptedMessage[] = [];
  readonly #byKey = new Map<string, AcceptedMessage>();
  #count = 0;

  /** The message already accepted under this key, if any. */
  duplicateOf(key: string | null): AcceptedMessage | undefined {
    return key === null ? undefined : this.#byKey.get(key);
  }

  nextSequence(): number {
    this.#count += 1;
    return this.#count;
  }

  accept(message: AcceptedMessage): void {
    this.accepted.push(message);
    if (message.idempotencyKey !== null) this.#byKey.set(message.idempotencyKey, message);
  }
}
