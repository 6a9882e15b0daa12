/**
 * Names, help texts, labels and buckets of every engine metric, in one place so the registry,
 * the Grafana dashboard (ops/grafana-dashboard.json) and its test agree on them.
 *
 * Latencies are in seconds (Prometheus' base unit); the registry's methods take milliseconds,
 * which is what the engine measures, and convert.
 */

/** Per-record processing: tens of microseconds when the state is cached, up to a second on a cold LevelDB read storm. */
export const PROCESS_LATENCY_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];

/** A transactional commit (produce, offsets, end-txn): milliseconds normally, seconds when the broker struggles. */
export const COMMIT_LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** One send through a channel adapter, its retries included: milliseconds to tens of seconds. */
export const DELIVERY_SEND_LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** One rule evaluation against one customer's state: compiled conditions, microseconds. */
export const RULE_EVALUATION_BUCKETS = [
  0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05,
];

export interface MetricDefinition {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly labels: readonly string[];
}

function define<const L extends readonly string[]>(
  type: MetricDefinition['type'],
  name: string,
  help: string,
  labels: L,
): MetricDefinition & { readonly labels: L } {
  return { name, help, type, labels };
}

export const METRICS = {
  consumerLag: define(
    'gauge',
    'touchstream_consumer_lag',
    'Records between the committed offset and the log end offset, per input partition (set by the runtime).',
    ['topic', 'partition'],
  ),
  recordsProcessed: define(
    'counter',
    'touchstream_records_processed_total',
    'Input records processed, by task; rate() of it is records per second.',
    ['task'],
  ),
  processLatency: define(
    'histogram',
    'touchstream_process_latency_seconds',
    'Time to process one input record through the topology, by task.',
    ['task'],
  ),
  commitLatency: define(
    'histogram',
    'touchstream_commit_latency_seconds',
    'Time to commit one transaction (outputs, changelog writes and input offsets).',
    [],
  ),
  recordsCommitted: define(
    'counter',
    'touchstream_records_committed_total',
    'Input records whose offsets were committed.',
    [],
  ),
  restoreRestored: define(
    'gauge',
    'touchstream_restore_restored_records',
    'Changelog records restored so far into a store, by task and store.',
    ['task', 'store'],
  ),
  restoreRemaining: define(
    'gauge',
    'touchstream_restore_remaining_records',
    'Changelog records still to restore into a store, by task and store (0 when ready).',
    ['task', 'store'],
  ),
  ruleEvaluationLatency: define(
    'histogram',
    'touchstream_rule_evaluation_latency_seconds',
    'Time to evaluate the rule set against one customer state change.',
    [],
  ),
  touchesEmitted: define(
    'counter',
    'touchstream_touches_emitted_total',
    'Touch commands written to the touch-commands topic, by channel.',
    ['channel'],
  ),
  segmentTransitions: define(
    'counter',
    'touchstream_segment_transitions_total',
    'Customers entering or leaving a segment, by segment and change (enter, exit).',
    ['segment', 'change'],
  ),
  deadLetters: define(
    'counter',
    'touchstream_dead_letters_total',
    'Input records sent to the dead-letter topic, by error code.',
    ['code'],
  ),
  ruleRejections: define(
    'counter',
    'touchstream_rule_rejections_total',
    'Rules refused when loaded from the rules topic or the API, by error code.',
    ['code'],
  ),
  rebalances: define(
    'counter',
    'touchstream_rebalances_total',
    'Consumer-group rebalances this instance took part in.',
    [],
  ),
  backfillVisited: define(
    'gauge',
    'touchstream_backfill_customers_visited',
    'Customers visited so far by the running backfill of a new or changed rule, by task.',
    ['task'],
  ),
  activeTasks: define(
    'gauge',
    'touchstream_active_tasks',
    'Tasks (input partitions) this instance currently owns.',
    [],
  ),
  touchesDelivered: define(
    'counter',
    'touchstream_touches_delivered_total',
    'Touches handed to a channel adapter and accepted, by channel (delivery stage).',
    ['channel'],
  ),
  touchesSuppressed: define(
    'counter',
    'touchstream_touches_suppressed_total',
    'Touches not delivered on purpose (frequency cap, quiet hours, duplicate, ...), by channel and reason (delivery stage).',
    ['channel', 'reason'],
  ),
  deliveryCommandsConsumed: define(
    'counter',
    'touchstream_delivery_commands_consumed_total',
    'Touch commands the delivery workers took up, by source (topic: the touch-commands topic; deferral: come due in the deferral queue).',
    ['source'],
  ),
  deliveryOutcomes: define(
    'counter',
    'touchstream_delivery_outcomes_total',
    'Delivery outcomes written to the feedback topic, by channel, status (sent, failed, suppressed, deferred) and guard (none when no guard decided it).',
    ['channel', 'status', 'guard'],
  ),
  deliverySendLatency: define(
    'histogram',
    'touchstream_delivery_send_latency_seconds',
    'Time a channel adapter took to send one touch, its retries included, by channel.',
    ['channel'],
  ),
  deliveryRedisWaits: define(
    'counter',
    'touchstream_delivery_redis_unavailable_waits_total',
    'Waits of a delivery batch for Redis to answer again (nothing is sent unguarded meanwhile).',
    [],
  ),
} as const;

/** Every engine metric name, as exposed (counters end in `_total`; histograms add `_bucket`, `_sum`, `_count`). */
export const METRIC_NAMES: readonly string[] = Object.values(METRICS).map((metric) => metric.name);
