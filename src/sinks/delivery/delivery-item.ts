import { errorCode, errorMessage } from '../../errors/index.js';
import type { TouchCommand } from '../channels/types.js';
import type { DeliveryCodecs } from './delivery-codecs.js';
import type { CommandSource } from './delivery-output.js';
import { partialCommand, toTouchCommand } from './touch-command-shape.js';

export type Outcome =
  | { status: 'suppressed'; guard: string | null; reason: string }
  | {
      status: 'deferred';
      guard: string;
      until: number;
      reason: string;
      /** Deferred after a send was tried (circuit open): its claim and cap counts must be given back first. */
      afterSend: boolean;
    }
  | {
      status: 'sent';
      attempts: number;
      providerMessageId?: string;
      /** A redelivery of a command sent before: reported again, not sent again. */
      redelivered?: boolean;
    }
  | { status: 'failed'; code: string; reason: string; retryable: boolean; attempts: number };

/**
 * Resumable steps: a batch retried after a Redis or Kafka outage skips what it already did, so a
 * touch the provider accepted is never sent again by the same worker, and a cap is refunded once.
 */
export type Step =
  | 'guarded'
  | 'recognized'
  | 'remembered'
  | 'release'
  | 'refund'
  | 'defer'
  | 'settle'
  | 'written'
  | 'finished';

/** One command on its way through the delivery pipeline. */
export interface DeliveryItem {
  readonly source: CommandSource | null;
  /** Undefined when the record could not be read as a touch command (see `invalid`). */
  readonly command: TouchCommand | undefined;
  readonly invalid: { code: string; reason: string; partial: Partial<TouchCommand> } | undefined;
  outcome: Outcome | undefined;
  readonly done: Set<Step>;
}

/** Decodes one touch-commands record; a record that is not a valid command becomes an item to suppress. */
export function itemFromRecord(source: CommandSource, codecs: DeliveryCodecs): DeliveryItem {
  if (source.value === null) {
    return invalidItem(
      source,
      'TS_SINK_DELIVERY_COMMAND_INVALID',
      'the record has no value (a tombstone)',
      {},
    );
  }
  let decoded: unknown;
  try {
    decoded = codecs.decodeCommand(source.value);
  } catch (error) {
    return invalidItem(
      source,
      errorCode(error),
      `the record does not decode: ${errorMessage(error)}`,
      {},
    );
  }
  try {
    return {
      source,
      command: toTouchCommand(decoded),
      invalid: undefined,
      outcome: undefined,
      done: new Set(),
    };
  } catch (error) {
    return invalidItem(source, errorCode(error), errorMessage(error), partialCommand(decoded));
  }
}

/** A command taken back from the deferral queue; checked again, as the queue may hold entries of an older shape. */
export function itemFromDeferred(value: unknown): DeliveryItem {
  try {
    return {
      source: null,
      command: toTouchCommand(value),
      invalid: undefined,
      outcome: undefined,
      done: new Set(),
    };
  } catch (error) {
    return invalidItem(null, errorCode(error), errorMessage(error), partialCommand(value));
  }
}

function invalidItem(
  source: CommandSource | null,
  code: string,
  reason: string,
  partial: Partial<TouchCommand>,
): DeliveryItem {
  return {
    source,
    command: undefined,
    invalid: { code, reason, partial },
    outcome: undefined,
    done: new Set(),
  };
}
