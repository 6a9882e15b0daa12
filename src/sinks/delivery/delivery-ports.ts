import type { MetricsRegistry } from '../../observability/index.js';

/** The logger shape the delivery stage writes to (pino's, narrowed). */
export interface DeliveryLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  debug?(fields: Record<string, unknown>, message: string): void;
}

export type DeliveryMetrics = Pick<
  MetricsRegistry,
  | 'recordDeliveryConsumed'
  | 'recordDeliveryOutcome'
  | 'observeDeliverySendLatency'
  | 'recordDeliveryRedisWait'
  | 'recordTouchDelivered'
  | 'recordTouchSuppressed'
>;

/** Keeps who a sent command was for, so provider receipts naming only its id can become feedback (src/sinks/feedback). */
export interface CommandRecorder {
  remember(
    commands: readonly {
      commandId: string;
      customerId: string;
      trigger: string;
      channel: string;
      at: number;
      providerMessageId?: string;
    }[],
  ): Promise<void>;
}
