/**
 * What bench/delivery.ts checks after each part, so that a figure is only reported for a run in
 * which every command went out once, through every guard, and nothing else happened.
 */
import type { EmbeddedKafka } from '../../src/embedded/index.js';
import type { GuardFootprint } from './delivery-bench-redis.js';
import { BENCH_CHANNELS, CAP_RULES_PER_COMMAND } from './delivery-bench-setup.js';
import type { BenchChannel } from './delivery-bench-setup.js';

export interface FeedbackCounts {
  records: number;
  /** Distinct commands with a `sent` record (feedback is at least once, keyed by commandId). */
  sentCommands: number;
  /** Records of any other status (suppressed, deferred, failed), by status. */
  otherStatuses: Record<string, number>;
}

/** Decodes the whole feedback topic straight from the broker's log. */
export function readFeedback(
  broker: EmbeddedKafka,
  topic: string,
  partitions: number,
  decode: (bytes: Buffer) => Record<string, unknown>,
): FeedbackCounts {
  const sent = new Set<string>();
  const counts: FeedbackCounts = { records: 0, sentCommands: 0, otherStatuses: {} };
  for (let p = 0; p < partitions; p++) {
    for (const record of broker.records(topic, p)) {
      if (record.isControl || record.value === null) continue;
      counts.records += 1;
      const feedback = decode(Buffer.from(record.value));
      const status = String(feedback.status);
      if (status === 'sent') sent.add(String(feedback.commandId));
      else counts.otherStatuses[status] = (counts.otherStatuses[status] ?? 0) + 1;
    }
  }
  counts.sentCommands = sent.size;
  return counts;
}

export interface DeliveryEvidence {
  produced: Record<BenchChannel, number>;
  accepted: Record<BenchChannel, number>;
  feedback: FeedbackCounts;
  deadLetters: number;
  footprint: GuardFootprint;
}

/** Every disagreement between what was produced and what the providers, feedback and Redis show. */
export function deliveryProblems(evidence: DeliveryEvidence): string[] {
  const { produced, accepted, feedback, deadLetters, footprint } = evidence;
  const total = BENCH_CHANNELS.reduce((n, channel) => n + produced[channel], 0);
  const problems: string[] = [];
  for (const channel of BENCH_CHANNELS)
    if (accepted[channel] !== produced[channel])
      problems.push(`${channel}: ${accepted[channel]} accepted, ${produced[channel]} produced`);
  if (feedback.sentCommands !== total)
    problems.push(`feedback names ${feedback.sentCommands} sent commands, not ${total}`);
  if (Object.keys(feedback.otherStatuses).length > 0)
    problems.push(`feedback other than sent: ${JSON.stringify(feedback.otherStatuses)}`);
  if (deadLetters !== 0) problems.push(`${deadLetters} dead letters`);
  if (footprint.ledgerSent !== total)
    problems.push(
      `${footprint.ledgerSent} of ${footprint.ledgerKeys} ledger entries are sent, not ${total}`,
    );
  if (footprint.capCounts !== CAP_RULES_PER_COMMAND * total)
    problems.push(
      `cap counters sum to ${footprint.capCounts}, not ${CAP_RULES_PER_COMMAND} per command`,
    );
  if (footprint.rateKeys !== BENCH_CHANNELS.length)
    problems.push(`${footprint.rateKeys} token buckets, not one per channel`);
  return problems;
}
