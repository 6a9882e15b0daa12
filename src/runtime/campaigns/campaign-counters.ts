/**
 * The partial aggregate kept per trigger, channel, arm and day, and how partials add up. Every
 * field is a count, so partials of different tasks, instances and days merge by addition.
 */
export interface CampaignCounters {
  /** Touch commands the engine emitted. */
  commands: number;
  sent: number;
  /** Suppressed commands by the guard that stopped them, or `invalid` when a check did. */
  suppressed: Record<string, number>;
  deferred: number;
  failed: number;
  delivered: number;
  clicked: number;
  converted: number;
}

/** The feedback statuses counted, each in the field of the same name. */
export const COUNTED_STATUSES = [
  'sent',
  'deferred',
  'failed',
  'delivered',
  'clicked',
  'converted',
] as const;
export type CountedStatus = (typeof COUNTED_STATUSES)[number];

/** The `suppressed` key of a command suppressed without a guard (it failed its checks). */
export const INVALID_SUPPRESSION = 'invalid';

export function emptyCounters(): CampaignCounters {
  return {
    commands: 0,
    sent: 0,
    suppressed: {},
    deferred: 0,
    failed: 0,
    delivered: 0,
    clicked: 0,
    converted: 0,
  };
}

/** Adds `from` into `into` and returns `into`. */
export function addCounters(into: CampaignCounters, from: CampaignCounters): CampaignCounters {
  into.commands += from.commands;
  for (const status of COUNTED_STATUSES) into[status] += from[status];
  for (const [reason, count] of Object.entries(from.suppressed))
    into.suppressed[reason] = (into.suppressed[reason] ?? 0) + count;
  return into;
}

/** Counters as read from a store or a peer: missing or mistyped fields count as zero. */
export function countersOf(value: unknown): CampaignCounters {
  const counters = emptyCounters();
  if (value === null || typeof value !== 'object') return counters;
  const data = value as Record<string, unknown>;
  const count = (field: unknown): number =>
    typeof field === 'number' && Number.isFinite(field) ? field : 0;
  counters.commands = count(data.commands);
  for (const status of COUNTED_STATUSES) counters[status] = count(data[status]);
  const suppressed = data.suppressed;
  if (suppressed !== null && typeof suppressed === 'object') {
    for (const [reason, n] of Object.entries(suppressed as Record<string, unknown>))
      if (count(n) !== 0) counters.suppressed[reason] = count(n);
  }
  return counters;
}

export function totalSuppressed(counters: CampaignCounters): number {
  let total = 0;
  for (const count of Object.values(counters.suppressed)) total += count;
  return total;
}
