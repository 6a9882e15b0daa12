/**
 * touchstream's own topology: customer events and broadcasts into the rule engine, rules from a
 * global table, segment transitions, touches and rule rejections out. The same topology runs in
 * the in-process driver (`touchstream replay`) and on Kafka.
 */
import { RuleEngineProcessor, customerStateSerde } from '../rules/index.js';
import type { RuleEngineOptions } from '../rules/index.js';
import type { Serde, StoreBackend } from '../state/index.js';
import { StreamsBuilder, jsonSerde, stringSerde } from '../topology/index.js';
import type { Topology } from '../topology/index.js';
import { bytesSerde } from './task-state.js';

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
}

export const DEFAULT_TOPICS: TouchstreamTopics = {
  events: 'touchstream.events',
  broadcasts: 'touchstream.broadcasts',
  rules: 'touchstream.rules',
  transitions: 'touchstream.segment-transitions',
  touches: 'touchstream.touch-commands',
  ruleRejections: 'touchstream.rule-rejections',
};

export const STORES = {
  customers: 'customers',
  broadcastIndex: 'broadcast-index',
  ruleEngineMeta: 'rule-engine-meta',
  rules: 'rules',
} as const;

export const RULE_ENGINE_NODE = 'rule-engine';

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
  onTransitions?: RuleEngineOptions['onTransitions'];
  onTouches?: RuleEngineOptions['onTouches'];
}

/** The contract's `ts` is the event time; a record without a usable one keeps its Kafka timestamp (and is refused later). */
function eventTime(_key: unknown, value: unknown, recordTimestamp: number): number {
  const ts =
    value !== null && typeof value === 'object' ? (value as { ts?: unknown }).ts : undefined;
  return typeof ts === 'number' && Number.isSafeInteger(ts) ? ts : recordTimestamp;
}

export function buildTouchstreamTopology(options: TouchstreamTopologyOptions = {}): {
  topology: Topology;
  topics: TouchstreamTopics;
} {
  const topics: TouchstreamTopics = { ...DEFAULT_TOPICS, ...options.topics };
  const builder = new StreamsBuilder({ defaultBackend: options.backend ?? 'leveldb' });
  const eventSerde = options.eventSerde ?? jsonSerde;
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
  const outputs = {
    transitions: 'transitions-out',
    touches: 'touches-out',
    rejections: 'rule-rejections-out',
  };
  const engine = events.merge(broadcasts, { name: 'all-events' }).process(
    () =>
      new RuleEngineProcessor({
        stores: {
          customers: STORES.customers,
          broadcastIndex: STORES.broadcastIndex,
          meta: STORES.ruleEngineMeta,
        },
        outputs,
        rulesTable: STORES.rules,
        retentionMs: options.retentionMs,
        indexedAttributes: options.indexedAttributes,
        onBackfillProgress: options.onBackfillProgress,
        onRuleRejected: options.onRuleRejected,
        wakeClock: options.wakeClock,
        onTransitions: options.onTransitions,
        onTouches: options.onTouches,
      }),
    [STORES.customers, STORES.broadcastIndex, STORES.ruleEngineMeta],
    { name: RULE_ENGINE_NODE, globalTables: [STORES.rules] },
  );
  engine.to(topics.transitions, {
    name: outputs.transitions,
    keySerde: stringSerde,
    valueSerde: options.transitionSerde ?? jsonSerde,
  });
  engine.to(topics.touches, {
    name: outputs.touches,
    keySerde: stringSerde,
    valueSerde: options.touchSerde ?? jsonSerde,
  });
  engine.to(topics.ruleRejections, {
    name: outputs.rejections,
    keySerde: stringSerde,
    valueSerde: jsonSerde,
  });
  return { topology: builder.build(), topics };
}
