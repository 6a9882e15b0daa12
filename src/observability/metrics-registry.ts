/**
 * The engine's Prometheus metrics, on a registry of its own (never prom-client's global one, so
 * two engines in one process, or two tests, do not share counters). Callers get typed methods,
 * not prom-client objects, so the names, labels and units stay decided here.
 *
 * Hot-path note: each call hashes its labels; call once per batch (`recordProcessed(task, n)`)
 * rather than once per record where the method allows a count.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { InvalidMetricValueError, InvalidMetricsOptionError } from './errors.js';
import {
  COMMIT_LATENCY_BUCKETS,
  DELIVERY_SEND_LATENCY_BUCKETS,
  METRICS,
  PROCESS_LATENCY_BUCKETS,
  RULE_EVALUATION_BUCKETS,
} from './metric-definitions.js';
import type { MetricDefinition } from './metric-definitions.js';

export type SegmentChange = 'enter' | 'exit';

export interface MetricsRegistryOptions {
  /**
   * Also collect prom-client's process metrics (CPU, memory, event-loop lag, GC), under their
   * usual unprefixed names so stock Node.js dashboards work. Default false.
   */
  defaultMetrics?: boolean;
  /** Labels added to every series, e.g. `{ instance_id: 'ts-0' }`. */
  defaultLabels?: Record<string, string>;
  /** Histogram buckets in seconds, strictly increasing; defaults in metric-definitions.ts. */
  buckets?: {
    processLatency?: readonly number[];
    commitLatency?: readonly number[];
    ruleEvaluation?: readonly number[];
  };
}

function checkBuckets(
  option: string,
  buckets: readonly number[] | undefined,
): number[] | undefined {
  if (buckets === undefined) return undefined;
  const valid =
    Array.isArray(buckets) &&
    buckets.length > 0 &&
    buckets.every(
      (bound, i) => Number.isFinite(bound) && bound > 0 && (i === 0 || bound > buckets[i - 1]),
    );
  if (!valid) {
    throw new InvalidMetricsOptionError(
      option,
      buckets,
      'a non-empty array of positive, finite, strictly increasing upper bounds in seconds',
    );
  }
  return [...buckets];
}

function checkCount(metric: MetricDefinition, value: number): void {
  // One comparison rejects negatives and NaN; Infinity is caught separately.
  if (!(value >= 0) || value === Infinity) {
    throw new InvalidMetricValueError(metric.name, value, 'a finite number >= 0');
  }
}

function seconds(metric: MetricDefinition, ms: number): number {
  if (Number.isNaN(ms) || ms === Infinity) {
    throw new InvalidMetricValueError(metric.name, ms, 'a finite duration in milliseconds');
  }
  // Wall clocks can step backwards between two readings; a negative duration means "instant".
  return ms > 0 ? ms / 1000 : 0;
}

export class MetricsRegistry {
  readonly #registry: Registry;
  readonly #consumerLag: Gauge<string>;
  readonly #recordsProcessed: Counter<string>;
  readonly #processLatency: Histogram<string>;
  readonly #commitLatency: Histogram<string>;
  readonly #recordsCommitted: Counter<string>;
  readonly #restoreRestored: Gauge<string>;
  readonly #restoreRemaining: Gauge<string>;
  readonly #ruleEvaluationLatency: Histogram<string>;
  readonly #touchesEmitted: Counter<string>;
  readonly #segmentTransitions: Counter<string>;
  readonly #deadLetters: Counter<string>;
  readonly #ruleRejections: Counter<string>;
  readonly #rebalances: Counter<string>;
  readonly #backfillVisited: Gauge<string>;
  readonly #activeTasks: Gauge<string>;
  readonly #touchesDelivered: Counter<string>;
  readonly #touchesSuppressed: Counter<string>;
  readonly #deliveryCommandsConsumed: Counter<string>;
  readonly #deliveryOutcomes: Counter<string>;
  readonly #deliverySendLatency: Histogram<string>;
  readonly #deliveryRedisWaits: Counter<string>;
  /** Stores seen per task, so `removeTask` can drop every (task, store) restore series. */
  readonly #storesByTask = new Map<string, Set<string>>();
  /** One label object per task, reused: the per-record paths should not allocate. */
  readonly #taskLabels = new Map<string, { task: string }>();

  constructor(options: MetricsRegistryOptions = {}) {
    const processBuckets = checkBuckets('buckets.processLatency', options.buckets?.processLatency);
    const commitBuckets = checkBuckets('buckets.commitLatency', options.buckets?.commitLatency);
    const ruleBuckets = checkBuckets('buckets.ruleEvaluation', options.buckets?.ruleEvaluation);
    const registry = new Registry();
    if (options.defaultLabels !== undefined) registry.setDefaultLabels(options.defaultLabels);
    this.#registry = registry;
    const registers = [registry];
    const counter = (def: MetricDefinition): Counter<string> =>
      new Counter({ name: def.name, help: def.help, labelNames: def.labels, registers });
    const gauge = (def: MetricDefinition): Gauge<string> =>
      new Gauge({ name: def.name, help: def.help, labelNames: def.labels, registers });
    const histogram = (def: MetricDefinition, buckets: number[]): Histogram<string> =>
      new Histogram({ name: def.name, help: def.help, labelNames: def.labels, buckets, registers });

    this.#consumerLag = gauge(METRICS.consumerLag);
    this.#recordsProcessed = counter(METRICS.recordsProcessed);
    this.#processLatency = histogram(
      METRICS.processLatency,
      processBuckets ?? PROCESS_LATENCY_BUCKETS,
    );
    this.#commitLatency = histogram(METRICS.commitLatency, commitBuckets ?? COMMIT_LATENCY_BUCKETS);
    this.#recordsCommitted = counter(METRICS.recordsCommitted);
    this.#restoreRestored = gauge(METRICS.restoreRestored);
    this.#restoreRemaining = gauge(METRICS.restoreRemaining);
    this.#ruleEvaluationLatency = histogram(
      METRICS.ruleEvaluationLatency,
      ruleBuckets ?? RULE_EVALUATION_BUCKETS,
    );
    this.#touchesEmitted = counter(METRICS.touchesEmitted);
    this.#segmentTransitions = counter(METRICS.segmentTransitions);
    this.#deadLetters = counter(METRICS.deadLetters);
    this.#ruleRejections = counter(METRICS.ruleRejections);
    this.#rebalances = counter(METRICS.rebalances);
    this.#backfillVisited = gauge(METRICS.backfillVisited);
    this.#activeTasks = gauge(METRICS.activeTasks);
    this.#touchesDelivered = counter(METRICS.touchesDelivered);
    this.#touchesSuppressed = counter(METRICS.touchesSuppressed);
    this.#deliveryCommandsConsumed = counter(METRICS.deliveryCommandsConsumed);
    this.#deliveryOutcomes = counter(METRICS.deliveryOutcomes);
    this.#deliverySendLatency = histogram(
      METRICS.deliverySendLatency,
      DELIVERY_SEND_LATENCY_BUCKETS,
    );
    this.#deliveryRedisWaits = counter(METRICS.deliveryRedisWaits);

    if (options.defaultMetrics === true) collectDefaultMetrics({ register: registry });
  }

  /** The Content-Type header for `render()`'s output. */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** The Prometheus text exposition of every metric, for `GET /metrics`. */
  render(): Promise<string> {
    return this.#registry.metrics();
  }

  /** Names of every registered metric (engine and, if enabled, process metrics). */
  metricNames(): string[] {
    return this.#registry.getMetricsAsArray().map((metric) => metric.name);
  }

  #task(task: string): { task: string } {
    let labels = this.#taskLabels.get(task);
    if (labels === undefined) {
      labels = { task };
      this.#taskLabels.set(task, labels);
    }
    return labels;
  }

  /** Lag of one input partition, as the runtime computes it after each fetch. */
  setConsumerLag(topic: string, partition: number, lag: number): void {
    checkCount(METRICS.consumerLag, lag);
    this.#consumerLag.set({ topic, partition }, lag);
  }

  /** Drops a partition's lag series when the partition is revoked, so no stale lag lingers. */
  removeConsumerLag(topic: string, partition: number): void {
    this.#consumerLag.remove({ topic, partition });
  }

  recordProcessed(task: string, records = 1): void {
    checkCount(METRICS.recordsProcessed, records);
    if (records > 0) this.#recordsProcessed.inc(this.#task(task), records);
  }

  observeProcessLatency(task: string, ms: number): void {
    this.#processLatency.observe(this.#task(task), seconds(METRICS.processLatency, ms));
  }

  /** One committed transaction: how long it took and how many input records it covered. */
  recordCommit(ms: number, records: number): void {
    const value = seconds(METRICS.commitLatency, ms);
    checkCount(METRICS.recordsCommitted, records);
    this.#commitLatency.observe(value);
    if (records > 0) this.#recordsCommitted.inc(records);
  }

  /** Restore progress of one store; `remaining` 0 means the store is ready. */
  setRestoreProgress(task: string, store: string, restored: number, remaining: number): void {
    checkCount(METRICS.restoreRestored, restored);
    checkCount(METRICS.restoreRemaining, remaining);
    let stores = this.#storesByTask.get(task);
    if (stores === undefined) {
      stores = new Set();
      this.#storesByTask.set(task, stores);
    }
    stores.add(store);
    const labels = { task, store };
    this.#restoreRestored.set(labels, restored);
    this.#restoreRemaining.set(labels, remaining);
  }

  observeRuleEvaluation(ms: number): void {
    this.#ruleEvaluationLatency.observe(seconds(METRICS.ruleEvaluationLatency, ms));
  }

  recordTouchEmitted(channel: string, count = 1): void {
    checkCount(METRICS.touchesEmitted, count);
    if (count > 0) this.#touchesEmitted.inc({ channel }, count);
  }

  recordSegmentTransition(segment: string, change: SegmentChange, count = 1): void {
    checkCount(METRICS.segmentTransitions, count);
    if (count > 0) this.#segmentTransitions.inc({ segment, change }, count);
  }

  recordDeadLetter(code: string, count = 1): void {
    checkCount(METRICS.deadLetters, count);
    if (count > 0) this.#deadLetters.inc({ code }, count);
  }

  recordRuleRejection(code: string, count = 1): void {
    checkCount(METRICS.ruleRejections, count);
    if (count > 0) this.#ruleRejections.inc({ code }, count);
  }

  recordRebalance(): void {
    this.#rebalances.inc();
  }

  /** Customers visited so far by the task's running backfill. */
  setBackfillProgress(task: string, visited: number): void {
    checkCount(METRICS.backfillVisited, visited);
    this.#backfillVisited.set(this.#task(task), visited);
  }

  setActiveTasks(count: number): void {
    checkCount(METRICS.activeTasks, count);
    this.#activeTasks.set(count);
  }

  recordTouchDelivered(channel: string, count = 1): void {
    checkCount(METRICS.touchesDelivered, count);
    if (count > 0) this.#touchesDelivered.inc({ channel }, count);
  }

  recordTouchSuppressed(channel: string, reason: string, count = 1): void {
    checkCount(METRICS.touchesSuppressed, count);
    if (count > 0) this.#touchesSuppressed.inc({ channel, reason }, count);
  }

  recordDeliveryConsumed(source: 'topic' | 'deferral', count = 1): void {
    checkCount(METRICS.deliveryCommandsConsumed, count);
    if (count > 0) this.#deliveryCommandsConsumed.inc({ source }, count);
  }

  /** `guard` is the guard that decided a suppression or deferral, 'none' otherwise. */
  recordDeliveryOutcome(channel: string, status: string, guard: string, count = 1): void {
    checkCount(METRICS.deliveryOutcomes, count);
    if (count > 0) this.#deliveryOutcomes.inc({ channel, status, guard }, count);
  }

  observeDeliverySendLatency(channel: string, ms: number): void {
    this.#deliverySendLatency.observe({ channel }, seconds(METRICS.deliverySendLatency, ms));
  }

  recordDeliveryRedisWait(): void {
    this.#deliveryRedisWaits.inc();
  }

  /**
   * Drops a revoked task's gauges (restore progress of each of its stores, backfill progress).
   * Counters stay: they are cumulative for this process, and a series that stops growing is
   * honest, while a gauge frozen at its last value would be read as current.
   */
  removeTask(task: string): void {
    const stores = this.#storesByTask.get(task);
    if (stores !== undefined) {
      for (const store of stores) {
        this.#restoreRestored.remove({ task, store });
        this.#restoreRemaining.remove({ task, store });
      }
      this.#storesByTask.delete(task);
    }
    this.#backfillVisited.remove({ task });
    this.#taskLabels.delete(task);
  }
}
