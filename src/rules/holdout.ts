import { createHash } from 'node:crypto';

/**
 * The customer's place in [0, 1) for a trigger: the first 8 hex digits of
 * sha256(`<triggerId>:<customerId>`) as an unsigned integer over 2^32. Stable across runs,
 * partitions and rule versions, so a customer stays in (or out of) a control group.
 */
export function holdoutFraction(triggerId: string, customerId: string): number {
  const digest = createHash('sha256').update(`${triggerId}:${customerId}`, 'utf8').digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** Whether the customer is in the trigger's control group for a holdout of `fraction`. */
export function isHeldOut(triggerId: string, customerId: string, fraction: number): boolean {
  return fraction > 0 && holdoutFraction(triggerId, customerId) < fraction;
}
