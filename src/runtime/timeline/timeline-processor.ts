/**
 * Keeps each customer's timeline: every customer event, segment transition, touch and piece of
 * delivery feedback, one store entry each, newest first (see timeline-keys.ts).
 *
 * The hot path is one `put` per record: no read of what the customer already has. The two bounds
 * are kept off it, by background jobs the task runs between records:
 *  - at most `maxEntries` per customer: a customer is trimmed after every `maxEntries / 4` writes
 *    this instance saw, so between trims it may hold up to a quarter more;
 *  - nothing older than the retention (stream time): one stream-time timer per customer, at the
 *    instant its oldest entry expires; when it fires, the customer is trimmed and the timer moved
 *    to the next oldest. Whether a customer's timer is set is looked up once per process lifetime
 *    (its first write here), not per record.
 */
import type {
  BackgroundJob,
  FiredTimer,
  Processor,
  ProcessorContext,
  StreamRecord,
} from '../../operators/index.js';
import type { KeyValueStore } from '../../state/index.js';
import { timelineEntryOf } from './timeline-entry.js';
import type { TimelineEntry } from './timeline-entry.js';
import { timelinePrefix } from './timeline-keys.js';

export const DEFAULT_TIMELINE_MAX_ENTRIES = 1_000;

export interface TimelineProcessorOptions {
  store: string;
  /** Entries older than this, in stream time, are deleted. */
  retentionMs: number;
  /** Newest entries kept per customer (default 1,000). */
  maxEntries?: number;
  /** Customers trimmed per background step (default 100). */
  trimChunk?: number;
}

const EXPIRY_TIMER = 'expire';
/** Per-customer bookkeeping is forgotten past this many customers; forgetting costs a late trim. */
const MAX_REMEMBERED = 200_000;

export class TimelineProcessor implements Processor<unknown, unknown, never, never> {
  private context!: ProcessorContext<never, never>;
  private store!: KeyValueStore<TimelineEntry>;
  private readonly maxEntries: number;
  private readonly trimEvery: number;
  private readonly writesSinceTrim = new Map<string, number>();
  /** Customers known to have an expiry timer set. */
  private readonly armed = new Set<string>();
  /** Customers waiting for a trim, and whether an expiry timer asked for it. */
  private readonly pending = new Map<string, boolean>();
  private jobQueued = false;

  constructor(private readonly options: TimelineProcessorOptions) {
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_TIMELINE_MAX_ENTRIES);
    this.trimEvery = Math.max(1, Math.ceil(this.maxEntries / 4));
  }

  init(context: ProcessorContext<never, never>): void {
    this.context = context;
    this.store = context.getStore<TimelineEntry>(this.options.store);
  }

  process(record: StreamRecord<unknown, unknown>): void {
    const { customerId, key, entry } = timelineEntryOf(record.key, record.value, record.timestamp);
    this.store.put(key, entry);
    if (!this.armed.has(customerId)) this.arm(customerId, entry.at);
    const writes = (this.writesSinceTrim.get(customerId) ?? 0) + 1;
    if (writes >= this.trimEvery) {
      this.writesSinceTrim.delete(customerId);
      this.queueTrim(customerId, false);
    } else {
      if (this.writesSinceTrim.size >= MAX_REMEMBERED) this.writesSinceTrim.clear();
      this.writesSinceTrim.set(customerId, writes);
    }
  }

  onTimer(timer: FiredTimer): void {
    if (timer.name !== EXPIRY_TIMER) return;
    this.armed.delete(timer.key);
    this.queueTrim(timer.key, true);
  }

  /** @internal one background step: trims up to `trimChunk` waiting customers. */
  async trimSome(): Promise<boolean> {
    let budget = this.options.trimChunk ?? 100;
    for (const [customerId, expired] of this.pending) {
      if (budget-- <= 0) break;
      this.pending.delete(customerId);
      await this.trim(customerId, expired);
    }
    if (this.pending.size > 0) return false;
    this.jobQueued = false;
    return true;
  }

  private arm(customerId: string, at: number): void {
    const expiry = Math.max(0, at + this.options.retentionMs);
    const options = { name: EXPIRY_TIMER };
    const scheduled = this.context.timers.scheduledTime(customerId, options);
    if (scheduled === undefined || scheduled > expiry)
      this.context.timers.schedule(customerId, expiry, options);
    if (this.armed.size >= MAX_REMEMBERED) this.armed.clear();
    this.armed.add(customerId);
  }

  private queueTrim(customerId: string, expired: boolean): void {
    this.pending.set(customerId, expired || this.pending.get(customerId) === true);
    if (this.jobQueued) return;
    this.jobQueued = true;
    this.context.runInBackground(new TimelineTrimJob(this));
  }

  /** Deletes what is past the bound or the retention; after an expiry, sets the next one. */
  private async trim(customerId: string, expired: boolean): Promise<void> {
    const horizon = this.context.streamTime() - this.options.retentionMs;
    const doomed: string[] = [];
    let kept = 0;
    let oldestKept: number | undefined;
    // Deleted after the scan, not during it: the scan must not see its own deletes.
    for await (const { key, value } of this.store.prefix(timelinePrefix(customerId))) {
      if (kept < this.maxEntries && value.at > horizon) {
        kept += 1;
        oldestKept = value.at;
      } else {
        doomed.push(key);
      }
    }
    for (const key of doomed) this.store.delete(key);
    if (expired && oldestKept !== undefined) this.arm(customerId, oldestKept);
  }
}

class TimelineTrimJob implements BackgroundJob {
  readonly name = 'timeline-trim';

  constructor(private readonly processor: TimelineProcessor) {}

  step(): Promise<boolean> {
    return this.processor.trimSome();
  }
}
