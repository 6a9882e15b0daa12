import { TouchstreamError } from '../../errors/index.js';

/**
 * A touch command that decoded but does not have the shape delivery needs. It is suppressed with
 * this message as its reason and kept on the delivery dead-letter topic; nothing is sent.
 */
export class InvalidTouchCommandError extends TouchstreamError {
  constructor(field: string, problem: string, value: unknown) {
    super(
      'TS_SINK_DELIVERY_COMMAND_INVALID',
      `touch command field ${field} ${problem} (got ${preview(value)}); fix the command's producer`,
      { retryable: false, details: { field } },
    );
  }
}

/** An adapter broke its contract by throwing: the send is treated as failed and may be retried later. */
export class AdapterThrewError extends TouchstreamError {
  constructor(channel: string, commandId: string, cause: unknown) {
    super(
      'TS_SINK_DELIVERY_ADAPTER_THREW',
      `the ${channel} adapter threw while sending command ${commandId}: ${cause instanceof Error ? cause.message : String(cause)}; adapters must return a failed SendResult instead`,
      { cause, retryable: true, details: { channel, commandId } },
    );
  }
}

/**
 * Feedback or dead letters could not be written to Kafka. Retryable: the batch waits and writes
 * again, and its offsets stay uncommitted until the write succeeds.
 */
export class DeliveryOutputError extends TouchstreamError {
  constructor(topics: readonly string[], cause: unknown) {
    super(
      'TS_SINK_DELIVERY_OUTPUT_UNAVAILABLE',
      `writing delivery feedback to ${topics.join(', ')} failed: ${cause instanceof Error ? cause.message : String(cause)}; the batch is retried and not committed (check the brokers and that the topics exist)`,
      { cause, retryable: true, details: { topics: [...topics] } },
    );
  }
}

export class InvalidDeliveryOptionError extends TouchstreamError {
  constructor(option: string, problem: string, value: unknown) {
    super(
      'TS_SINK_DELIVERY_INVALID_OPTION',
      `delivery option ${option} ${problem} (got ${preview(value)})`,
      { retryable: false, details: { option } },
    );
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}
