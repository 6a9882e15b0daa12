/**
 * touchstream's own topology: customer events and broadcasts into the rule engine, rules from a
 * global table, segment transitions, touches and rule rejections out; optionally each customer's
 * timeline, which also reads delivery feedback. The same topology runs in the in-process driver
 * (`touchstream replay`) and on Kafka.
 */
import { PassThroughProcessor } from '../operators/index.js';
import {
  DEFAULT_RETENTION_MS,
  RuleEngineProcessor,
  customerStateSerde,
  segmentTallySerde,
} from '../rules/index.js';
import type { RuleEngineOptions } from '../rules/index.js';
import type { Serde, StoreBackend } from '../state/index.js';
import { StreamsBuilder, jsonSerde, stringSerde } from '../topology/index.js';
import type { KStream, Topology } from '../topology/index.js';
import { addCampaignTracking } from './campaigns/index.js';
import type { CampaignTopologyOptions } from './campaigns/index.js';
import { bytesSerde } from './task-state.js';
import { TimelineProcessor, deliveryFeedbackSerde } from './timeline/index.js';

export interface TouchstreamTopics {
  /** Customer events keyed by customerId. */
  events: string;
  /** Broadcast events; every task sees every one. */
  broadcasts: string;
  /** Rules by id (compacted); a null value deletes the rule. */
  rules: string;
  transitions: string;
  touches: string;
  ruleRejections: string;
  /** What became of each touch (sent, delivered, clicked, ...), keyed by customerId; read by the timeline. */
  feedback: string;
}

export const DEFAULT_TOPICS: TouchstreamTopics = {
  events: 'touchstream.events',
  broadcasts: 'touchstream.broadcasts',
  rules: 'touchstream.rules',
  transitions: 'touchstream.segment-transitions',
  touches: 'touchstream.touch-commands',
  ruleRejections: 'touchstream.rule-rejections',
  feedback: 'touchstream.delivery-feedback',
};

export const STORES = {
  customers: 'customers',
  broadcastIndex: 'broadcast-index',
  ruleEngineMeta: 'rule-engine-meta',
  segmentStats: 'segment-stats',
  rules: 'rules',
  timeline: 'timeline',
} as const;

export const RULE_ENGINE_NODE = 'rule-engine';
export const TIMELINE_NODE = 'timeline';

export interface TimelineTopologyOptions {
  /** Newest entries kept per customer (default 1,000). */
  maxEntries?: number;
}

export interface TouchstreamTopologyOptions {
  topics?: Partial<TouchstreamTopics>;
  backend?: StoreBackend;
  retentionMs?: number;
  indexedAttributes?: readonly string[];
  /** Serdes of the event topics (JSON by default; Avro in Kafka mode). */
  eventSerde?: Serde<unknown>;
  /** Serdes of the output topics (JSON by default). */
  touchSerde?: Serde<unknown>;
  transitionSerde?: Serde<unknown>;
  onBackfillProgress?: RuleEngineOptions['onBackfillProgress'];
  onRuleRejected?: RuleEngineOptions['onRuleRejected'];
  wakeClock?: RuleEngineOptions['wakeClock'];
  /** Customer states kept deserialized per task between commits (default 50,000). */
  customerCacheEntries?: number;
  /** Customers a backfill or broadcast visits per step between records (default 1,000). */
  sweepChunk?: number;
  onTransitions?: RuleEngineOptions['onTransitions'];
  onTouches?: RuleEngineOptions['onTouches'];
  insightAttributes?: RuleEngineOptions['insightAttributes'];
  insightUtcOffsetMinutes?: number;
  contactAttributes?: RuleEngineOptions['contactAttributes'];
  /**
   * Keep each customer's timeline (events, transitions, touches, delivery feedback) in the
   * `timeline` store, for the API. Off unless given: it adds the feedback topic as an input.
   */
  timeline?: TimelineTopologyOptions;
  /** Serde of the feedback topic (default: JSON, or Avro when the app passes its serdes). */
  feedbackSerde?: Serde<unknown>;
  /**
   * Campaign tracking: conversion attribution and per-trigger statistics (src/runtime/campaigns).
   * Off unless given: it adds the feedback topic as an input and writes conversions to it.
   */
  campaigns?: CampaignTopologyOptions;
  /** How conversions are written to the feedback topic (default JSON). */
  conversionSerde?: Serde<unknown>;
}

/** The contract's `ts` is the event time; a record without a usable one keeps its Kafka timestamp (and is refused later). */
function eventTime(_key: unknown, value: unknown, recordTimestamp: number): number {
  const ts =
    value !== null && typeof value === 'object' ? (value as { ts?: unknown }).ts : undefined;
  return typeof ts === 'number' && Number.isSafeInteger(ts) ? ts : recordTimestamp;
}

/** Feedback's `at` is when the delivery outcome happened. */
function feedbackTime(_key: unknown, value: unknown, recordTimestamp: number): number {
  const at =
    value !== null && typeof value === 'object' ? (value as { at?: unknown }).at : undefined;
  return typeof at === 'number' && Number.isSafeInteger(at) ? at : recordTimestamp;
}

export function buildTouchstreamTopology(options: TouchstreamTopologyOptions = {}): {
  topology: Topology;
  topics: TouchstreamTopics;
} {
  const topics: TouchstreamTopics = { ...DEFAULT_TOPICS, ...options.topics };
  const builder = new StreamsBuilder({ defaultBackend: options.backend ?? 'leveldb' });
  const eventSerde = options.eventSerde ?? jsonSerde;
  const insightUtcOffsetMs = (options.insightUtcOffsetMinutes ?? 480) * 60_000;
  builder.globalTable(topics.rules, { storeName: STORES.rules });
  // Customer states are read and rewritten on every event: a larger write cache saves LevelDB
  // reads and (de)serialization for the customers that are active right now.
  builder.addStore({
    name: STORES.customers,
    valueSerde: customerStateSerde,
    cacheMaxEntries: options.customerCacheEntries ?? 50_000,
  });
  builder.addStore({ name: STORES.broadcastIndex, valueSerde: bytesSerde });
  builder.addStore({ name: STORES.ruleEngineMeta, valueSerde: jsonSerde });
  builder.addStore({
    name: STORES.segmentStats,
    valueSerde: segmentTallySerde(insightUtcOffsetMs),
  });
  const events = builder.stream<string, unknown>(topics.events, {
    valueSerde: eventSerde,
    name: 'customer-events',
    timestampExtractor: eventTime,
  });
  const broadcasts = builder.stream<string, unknown>(topics.broadcasts, {
    valueSerde: eventSerde,
    delivery: 'broadcast',
    name: 'broadcasts',
    timestampExtractor: eventTime,
  });
  const sinks = {
    transitions: 'transitions-out',
    touches: 'touches-out',
    rejections: 'rule-rejections-out',
  };
  // With a timeline or campaign tracking, transitions and touches go to a pass-through node that
  // feeds the sink and them too (the engine forwards each output to one named child).
  const fanOut = options.timeline !== undefined || options.campaigns !== undefined;
  const outputs = fanOut ? { ...sinks, transitions: 'transitions', touches: 'touches' } : sinks;
  const engine = events.merge(broadcasts, { name: 'all-events' }).process(
    () =>
      new RuleEngineProcessor({
        stores: {
          customers: STORES.customers,
          broadcastIndex: STORES.broadcastIndex,
          meta: STORES.ruleEngineMeta,
          segmentStats: STORES.segmentStats,
        },
        outputs,
        rulesTable: STORES.rules,
        retentionMs: options.retentionMs,
        indexedAttributes: options.indexedAttributes,
        onBackfillProgress: options.onBackfillProgress,
        onRuleRejected: options.onRuleRejected,
        wakeClock: options.wakeClock,
        sweepChunk: options.sweepChunk,
        onTransitions: options.onTransitions,
        onTouches: options.onTouches,
        insightAttributes: options.insightAttributes,
        insightUtcOffsetMinutes: options.insightUtcOffsetMinutes,
        contactAttributes: options.contactAttributes,
      }),
    [STORES.customers, STORES.broadcastIndex, STORES.ruleEngineMeta, STORES.segmentStats],
    { name: RULE_ENGINE_NODE, globalTables: [STORES.rules] },
  );
  const transitions = fanOut ? passThrough(engine, outputs.transitions) : engine;
  const touches = fanOut ? passThrough(engine, outputs.touches) : engine;
  transitions.to(topics.transitions, {
    name: sinks.transitions,
    keySerde: stringSerde,
    valueSerde: options.transitionSerde ?? jsonSerde,
  });
  touches.to(topics.touches, {
    name: sinks.touches,
    keySerde: stringSerde,
    valueSerde: options.touchSerde ?? jsonSerde,
  });
  engine.to(topics.ruleRejections, {
    name: sinks.rejections,
    keySerde: stringSerde,
    valueSerde: jsonSerde,
  });
  // Read once, shared by the timeline and campaign tracking (a topic may have one source).
  const feedback = fanOut
    ? (builder.stream<string, unknown>(topics.feedback, {
        valueSerde: options.feedbackSerde ?? deliveryFeedbackSerde(),
        name: 'delivery-feedback',
        timestampExtractor: feedbackTime,
      }) as KStream<unknown, unknown>)
    : undefined;
  if (options.timeline !== undefined && feedback !== undefined) {
    builder.addStore({ name: STORES.timeline, valueSerde: jsonSerde });
    const timeline = options.timeline;
    (events as KStream<unknown, unknown>)
      .merge(transitions, { name: 'timeline-events-transitions' })
      .merge(touches, { name: 'timeline-touches' })
      .merge(feedback, { name: 'timeline-feedback' })
      .process(
        () =>
          new TimelineProcessor({
            store: STORES.timeline,
            retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS,
            maxEntries: timeline.maxEntries,
          }),
        [STORES.timeline],
        { name: TIMELINE_NODE },
      );
  }
  if (options.campaigns !== undefined && feedback !== undefined) {
    addCampaignTracking(
      builder,
      {
        events: events as KStream<unknown, unknown>,
        touches,
        feedback,
        feedbackTopic: topics.feedback,
        conversionSerde: options.conversionSerde,
      },
      options.campaigns,
    );
  }
  return { topology: builder.build(), topics };
}

function passThrough(stream: KStream<unknown, unknown>, name: string): KStream<unknown, unknown> {
  return stream.process(() => new PassThroughProcessor(), [], { name });
}
