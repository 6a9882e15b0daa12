/**
 * What one delivery run left in Redis under its key prefix, counted and then deleted: the proof
 * that the guards ran for every command (a ledger entry marked sent, each cap counter counted
 * once per send, a token bucket per channel) and the clean-up the bench owes the shared Redis.
 */
import type { Redis } from 'ioredis';

export interface GuardFootprint {
  /** Idempotency ledger entries (`<prefix>idem:<commandId>`). */
  ledgerKeys: number;
  /** Ledger entries whose state is "sent". */
  ledgerSent: number;
  /** Frequency-cap counters (`<prefix>cap:{customer}:<scope>:<max>:<period>`). */
  capKeys: number;
  /** Sum of every cap counter: one per send per applicable rule. */
  capCounts: number;
  /** Token buckets (`<prefix>rate:<channel>`). */
  rateKeys: number;
  /** Anything else: the deferral queue, the WeChat token. */
  otherKeys: number;
}

const SCAN_COUNT = 2_000;

/** Counts the prefix's keys by guard and deletes them all; safe to call again (finds nothing). */
export async function sweepGuardKeys(redis: Redis, prefix: string): Promise<GuardFootprint> {
  const footprint: GuardFootprint = {
    ledgerKeys: 0,
    ledgerSent: 0,
    capKeys: 0,
    capCounts: 0,
    rateKeys: 0,
    otherKeys: 0,
  };
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', SCAN_COUNT);
    cursor = next;
    if (keys.length === 0) continue;
    const ledger = keys.filter((key) => key.startsWith(`${prefix}idem:`));
    const caps = keys.filter((key) => key.startsWith(`${prefix}cap:`));
    const rates = keys.filter((key) => key.startsWith(`${prefix}rate:`));
    footprint.ledgerKeys += ledger.length;
    footprint.capKeys += caps.length;
    footprint.rateKeys += rates.length;
    footprint.otherKeys += keys.length - ledger.length - caps.length - rates.length;
    const values = ledger.length + caps.length > 0 ? await redis.mget(...ledger, ...caps) : [];
    for (let i = 0; i < values.length; i++) {
      if (i < ledger.length) {
        if (values[i] === 'sent') footprint.ledgerSent += 1;
      } else footprint.capCounts += Number(values[i] ?? 0);
    }
    await redis.unlink(...keys);
  } while (cursor !== '0');
  return footprint;
}
