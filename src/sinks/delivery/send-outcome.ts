import type { SendResult, TouchCommand } from '../channels/types.js';
import type { GuardedCommand } from '../guards/index.js';
import type { Outcome } from './delivery-item.js';

/** What the guard chain judges of a command. The command carries no time zone: the config's default applies. */
export function guardedOf(command: TouchCommand): GuardedCommand {
  return {
    commandId: command.commandId,
    customerId: command.customerId,
    channel: command.channel,
    at: command.at,
  };
}

/** An adapter's answer as an outcome; a retryable failure with a retry time (circuit open) is a deferral. */
export function outcomeOf(result: SendResult): Outcome {
  if (result.status === 'sent') {
    return {
      status: 'sent',
      attempts: result.attempts,
      providerMessageId: result.providerMessageId,
    };
  }
  if (result.retryable && result.retryAt !== undefined) {
    return {
      status: 'deferred',
      guard: 'circuit-breaker',
      until: result.retryAt,
      reason: `${result.code}: ${result.reason}`,
      afterSend: true,
    };
  }
  return {
    status: 'failed',
    code: result.code,
    reason: result.reason,
    retryable: result.retryable,
    attempts: result.attempts,
  };
}
