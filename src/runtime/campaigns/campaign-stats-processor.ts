/**
 * Keeps each task's partial campaign statistics: per trigger, channel, arm and calendar day, the
 * commands the engine emitted (from its touches) and what became of them (from the feedback
 * topic, read co-partitioned: sent, suppressed by guard, deferred, failed, delivered, clicked,
 * converted). The store is changelogged like every task store, so the partials survive restarts
 * and follow their partition; the query side adds them up across tasks and instances.
 *
 * A feedback record is counted on the day of its command (the instant its id ends in), not the
 * day it arrived: a day's conversion rate is then converted / commands of the same touches.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../operators/index.js';
import type { KeyValueStore } from '../../state/index.js';
import { ZonedCalendar } from './calendar-buckets.js';
import { COUNTED_STATUSES, INVALID_SUPPRESSION, emptyCounters } from './campaign-counters.js';
import type { CampaignCounters, CountedStatus } from './campaign-counters.js';
import { readFeedback, readTouch } from './campaign-records.js';
import type { CampaignArm } from './campaign-records.js';
import { statsKey } from './stats-keys.js';

export interface CampaignStatsProcessorOptions {
  store: string;
  /** IANA zone of the day buckets (default Asia/Shanghai). */
  timeZone?: string;
}

const COUNTED: ReadonlySet<string> = new Set(COUNTED_STATUSES);

export class CampaignStatsProcessor implements Processor<unknown, unknown, never, never> {
  private store!: KeyValueStore<CampaignCounters>;
  private readonly calendar: ZonedCalendar;

  constructor(private readonly options: CampaignStatsProcessorOptions) {
    this.calendar = new ZonedCalendar(options.timeZone);
  }

  init(context: ProcessorContext<never, never>): void {
    this.store = context.getStore<CampaignCounters>(this.options.store);
  }

  process(record: StreamRecord<unknown, unknown>): void {
    const feedback = readFeedback(record.value, record.timestamp);
    if (feedback !== undefined) {
      // A record that names no trigger (a command that could not be read) belongs to no campaign.
      if (feedback.trigger === '') return;
      const day = this.calendar.dayOf(feedback.commandAt ?? feedback.at);
      const counters = this.counters(feedback.trigger, day, feedback.channel, feedback.arm);
      if (feedback.status === 'suppressed') {
        const reason = feedback.guard ?? INVALID_SUPPRESSION;
        counters.value.suppressed[reason] = (counters.value.suppressed[reason] ?? 0) + 1;
      } else if (COUNTED.has(feedback.status)) {
        counters.value[feedback.status as CountedStatus] += 1;
      } else {
        return;
      }
      this.store.put(counters.key, counters.value);
      return;
    }
    const touch = readTouch(record.key, record.value);
    if (touch === undefined) return;
    const arm = touch.heldOut ? 'held_out' : 'touched';
    const counters = this.counters(
      touch.trigger,
      this.calendar.dayOf(touch.at),
      touch.channel,
      arm,
    );
    counters.value.commands += 1;
    this.store.put(counters.key, counters.value);
  }

  private counters(
    trigger: string,
    day: string,
    channel: string,
    arm: CampaignArm,
  ): { key: string; value: CampaignCounters } {
    const key = statsKey({ trigger, day, channel, arm });
    // The store may hand back its cached object: it is changed in place and put straight back.
    return { key, value: this.store.get(key) ?? emptyCounters() };
  }
}
