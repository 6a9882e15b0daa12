/** One record of the feedback topic (schemas/delivery-feedback.avsc), keyed by customerId. */
export interface DeliveryFeedback {
  commandId: string;
  customerId: string;
  trigger: string;
  channel: string;
  /** The delivery workers write sent, failed, suppressed and deferred; callbacks add the rest. */
  status: 'sent' | 'delivered' | 'clicked' | 'converted' | 'failed' | 'suppressed' | 'deferred';
  reason: string | null;
  /** The guard that suppressed or deferred it: idempotency, frequency-cap, quiet-hours, rate-limit, holdout, circuit-breaker. */
  guard: string | null;
  /** For deferred: when it comes due (epoch ms). */
  until: number | null;
  /** When the outcome was decided (epoch ms). */
  at: number;
}
