/**
 * Attributes conversions to touches. It sees the rule engine's touches and the customer events of
 * the same partition (both keyed by customer), keeps each customer's open windows in its own store
 * (TTL'd, at most `maxOpenTouches` per customer), and when an event is the configured conversion
 * of a trigger, credits the latest touch of that trigger before it, once, and forwards a
 * `converted` feedback record (with the touch's arm) for the feedback topic.
 *
 * Held-out touches (the control group, recorded but never sent) are attributed the same way, so
 * the held-out arm's conversion rate is the baseline a campaign's uplift is measured against.
 *
 * The hot path is every customer event: one map lookup decides whether the event can convert
 * anything at all; only then is the customer's entry read.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../operators/index.js';
import type { KeyValueStore } from '../../state/index.js';
import { DEFAULT_MAX_OPEN_TOUCHES, indexConversions } from './campaign-options.js';
import type { ConversionIndex, ConversionSpec } from './campaign-options.js';
import { readEvent, readTouch } from './campaign-records.js';
import type { EventView, TouchView } from './campaign-records.js';
import { addTouch, closeWindows, convertedTouch } from './open-touches.js';
import type { OpenTouch, OpenTouches } from './open-touches.js';

/** A `converted` record of the feedback topic (schemas/delivery-feedback.avsc). */
export interface ConversionFeedback {
  commandId: string;
  customerId: string;
  trigger: string;
  channel: string;
  status: 'converted';
  /** The converting event, for people reading the feedback topic. */
  reason: string;
  guard: null;
  until: null;
  /** The conversion event's time. */
  at: number;
  heldOut: boolean;
}

export interface AttributionProcessorOptions {
  store: string;
  conversions: readonly ConversionSpec[];
  maxOpenTouches?: number;
}

export class AttributionProcessor implements Processor<
  unknown,
  unknown,
  string,
  ConversionFeedback
> {
  private context!: ProcessorContext<string, ConversionFeedback>;
  private store!: KeyValueStore<OpenTouches>;
  private readonly index: ConversionIndex;
  private readonly maxOpenTouches: number;

  constructor(private readonly options: AttributionProcessorOptions) {
    this.index = indexConversions(options.conversions);
    this.maxOpenTouches = Math.max(1, options.maxOpenTouches ?? DEFAULT_MAX_OPEN_TOUCHES);
  }

  init(context: ProcessorContext<string, ConversionFeedback>): void {
    this.context = context;
    this.store = context.getStore<OpenTouches>(this.options.store);
  }

  process(record: StreamRecord<unknown, unknown>): void {
    const value = record.value as { type?: unknown } | null;
    if (value !== null && typeof value === 'object' && value.type !== undefined) {
      if (typeof value.type !== 'string' || !this.index.byEvent.has(value.type)) return;
      const event = readEvent(record.key, value, record.timestamp);
      if (event !== undefined) this.onEvent(event);
      return;
    }
    const touch = readTouch(record.key, record.value);
    if (touch !== undefined && this.index.windowOf.has(touch.trigger)) this.onTouch(touch);
  }

  private onTouch(touch: TouchView): void {
    const open = this.store.get(touch.customerId) ?? { touches: [] };
    closeWindows(open, this.context.streamTime(), this.index.windowOf);
    const entry: OpenTouch = {
      commandId: touch.commandId,
      trigger: touch.trigger,
      channel: touch.channel,
      at: touch.at,
      heldOut: touch.heldOut,
      converted: false,
    };
    addTouch(open, entry, this.maxOpenTouches);
    this.store.put(touch.customerId, open);
  }

  private onEvent(event: EventView): void {
    const open = this.store.get(event.customerId);
    if (open === undefined) return;
    let changed = closeWindows(open, this.context.streamTime(), this.index.windowOf) > 0;
    for (const spec of this.index.byEvent.get(event.type) ?? []) {
      if (spec.action !== undefined && spec.action !== event.action) continue;
      const touch = convertedTouch(open, spec, event.ts);
      if (touch === undefined) continue;
      touch.converted = true;
      changed = true;
      this.context.forward({
        key: event.customerId,
        value: conversionOf(touch, event),
        timestamp: event.ts,
      });
    }
    if (!changed) return;
    if (open.touches.length === 0) this.store.delete(event.customerId);
    else this.store.put(event.customerId, open);
  }
}

function conversionOf(touch: OpenTouch, event: EventView): ConversionFeedback {
  const what = event.action === undefined ? event.type : `${event.type} ${event.action}`;
  return {
    commandId: touch.commandId,
    customerId: event.customerId,
    trigger: touch.trigger,
    channel: touch.channel,
    status: 'converted',
    reason: `${what}${event.id === undefined ? '' : ` event ${event.id}`}`,
    guard: null,
    until: null,
    at: event.ts,
    heldOut: touch.heldOut,
  };
}
