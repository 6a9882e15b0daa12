import { errorMessage } from '../../errors/index.js';
import type { DeliveryFeedback } from './delivery-feedback.js';
import type { DeliveryItem } from './delivery-item.js';
import type { DeliveryDeadLetter } from './delivery-output.js';

/**
 * The feedback record of an item's outcome. A record that could not be read as a command still
 * gets one, with what could be read of it: the key is the customer id on the touch-commands topic.
 */
export function feedbackOf(item: DeliveryItem, at: number): DeliveryFeedback {
  const outcome = item.outcome!;
  const command = item.command;
  const partial = item.invalid?.partial ?? {};
  const source = item.source;
  const base = {
    commandId:
      command?.commandId ??
      partial.commandId ??
      (source === null ? 'unknown' : `${source.topic}/${source.partition}/${source.offset}`),
    customerId: command?.customerId ?? partial.customerId ?? keyText(source?.key ?? null),
    trigger: command?.trigger ?? partial.trigger ?? '',
    channel: command?.channel ?? partial.channel ?? '',
    at,
  };
  switch (outcome.status) {
    case 'sent':
      return outcome.redelivered === true
        ? {
            ...base,
            status: 'sent',
            reason: 'already sent; this redelivered copy was not sent again',
            guard: 'idempotency',
            until: null,
          }
        : { ...base, status: 'sent', reason: null, guard: null, until: null };
    case 'suppressed':
      return {
        ...base,
        status: 'suppressed',
        reason: outcome.reason,
        guard: outcome.guard,
        until: null,
      };
    case 'deferred':
      return {
        ...base,
        status: 'deferred',
        reason: outcome.reason,
        guard: outcome.guard,
        until: outcome.until,
      };
    case 'failed':
      return {
        ...base,
        status: 'failed',
        reason: `${outcome.code}: ${outcome.reason}`,
        guard: null,
        until: null,
      };
  }
}

/** Undecodable and invalid commands, and failed sends, also go to the delivery dead-letter topic. */
export function deadLetterOf(item: DeliveryItem, at: number): DeliveryDeadLetter | undefined {
  const outcome = item.outcome!;
  const command = item.command;
  if (item.invalid !== undefined) {
    const partial = item.invalid.partial;
    return {
      code: item.invalid.code,
      message: item.invalid.reason,
      commandId: partial.commandId ?? null,
      customerId: partial.customerId ?? null,
      channel: partial.channel ?? null,
      attempts: null,
      source: item.source,
      command: null,
      at,
    };
  }
  if (outcome.status !== 'failed' || command === undefined) return undefined;
  return {
    code: outcome.code,
    message: outcome.reason,
    commandId: command.commandId,
    customerId: command.customerId,
    channel: command.channel,
    attempts: outcome.attempts,
    source: item.source,
    command: item.source === null ? command : null,
    at,
  };
}

function keyText(key: Uint8Array | null): string {
  if (key === null) return '';
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(key);
  } catch (error) {
    return `(undecodable key: ${errorMessage(error)})`;
  }
}
