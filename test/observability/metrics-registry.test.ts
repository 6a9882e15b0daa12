import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InvalidMetricValueError,
  InvalidMetricsOptionError,
  METRIC_NAMES,
  MetricsRegistry,
} from '../../src/observability/index.js';
import { samples, series } from './support/exposition.js';

async function read(metrics: MetricsRegistry): Promise<Map<string, number>> {
  return samples(await metrics.render());
}

describe('MetricsRegistry', () => {
  it('registers every engine metric with help text on its own registry', async () => {
    const metrics = new MetricsRegistry();
    assert.deepEqual([...metrics.metricNames()].sort(), [...METRIC_NAMES].sort());
    const text = await metrics.render();
    for (const name of METRIC_NAMES) {
      assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'));
      assert.ok(name.startsWith('touchstream_'));
    }
    assert.match(metrics.contentType, /^text\/plain/);
  });

  it('keeps two registries apart', async () => {
    const first = new MetricsRegistry();
    const second = new MetricsRegistry();
    first.recordRebalance();
    assert.equal((await read(first)).get('touchstream_rebalances_total'), 1);
    assert.equal((await read(second)).get('touchstream_rebalances_total'), 0);
  });

  it('sets and removes consumer lag per topic and partition', async () => {
    const metrics = new MetricsRegistry();
    metrics.setConsumerLag('claims', 0, 120);
    metrics.setConsumerLag('claims', 1, 7);
    metrics.setConsumerLag('claims', 0, 30);
    let values = await read(metrics);
    const p0 = series('touchstream_consumer_lag', { topic: 'claims', partition: 0 });
    const p1 = series('touchstream_consumer_lag', { topic: 'claims', partition: 1 });
    assert.equal(values.get(p0), 30);
    assert.equal(values.get(p1), 7);
    metrics.removeConsumerLag('claims', 0);
    values = await read(metrics);
    assert.equal(values.has(p0), false);
    assert.equal(values.get(p1), 7);
  });

  it('counts processed records by task', async () => {
    const metrics = new MetricsRegistry();
    metrics.recordProcessed('0_1', 100);
    metrics.recordProcessed('0_1', 20);
    metrics.recordProcessed('0_2');
    metrics.recordProcessed('0_2', 0);
    const values = await read(metrics);
    const name = 'touchstream_records_processed_total';
    assert.equal(values.get(series(name, { task: '0_1' })), 120);
    assert.equal(values.get(series(name, { task: '0_2' })), 1);
  });

  it('observes process latency in seconds into the right bucket', async () => {
    const metrics = new MetricsRegistry();
    metrics.observeProcessLatency('0_1', 0.3);
    metrics.observeProcessLatency('0_1', 40);
    const values = await read(metrics);
    const name = 'touchstream_process_latency_seconds';
    assert.equal(values.get(series(`${name}_count`, { task: '0_1' })), 2);
    assert.equal(values.get(series(`${name}_sum`, { task: '0_1' })), 0.0403);
    assert.equal(values.get(series(`${name}_bucket`, { le: 0.0005, task: '0_1' })), 1);
    assert.equal(values.get(series(`${name}_bucket`, { le: 0.025, task: '0_1' })), 1);
    assert.equal(values.get(series(`${name}_bucket`, { le: 0.05, task: '0_1' })), 2);
  });

  it('records a commit as one latency observation and a count of records', async () => {
    const metrics = new MetricsRegistry();
    metrics.recordCommit(12, 500);
    metrics.recordCommit(3000, 0);
    const values = await read(metrics);
    assert.equal(values.get('touchstream_commit_latency_seconds_count'), 2);
    assert.equal(values.get('touchstream_commit_latency_seconds_sum'), 3.012);
    assert.equal(values.get(series('touchstream_commit_latency_seconds_bucket', { le: 0.025 })), 1);
    assert.equal(values.get(series('touchstream_commit_latency_seconds_bucket', { le: 5 })), 2);
    assert.equal(values.get('touchstream_records_committed_total'), 500);
  });

  it('treats a negative duration from a stepped clock as zero', async () => {
    const metrics = new MetricsRegistry();
    metrics.recordCommit(-5, 1);
    const values = await read(metrics);
    assert.equal(values.get('touchstream_commit_latency_seconds_sum'), 0);
    assert.equal(values.get('touchstream_commit_latency_seconds_count'), 1);
  });

  it('tracks restore progress per task and store', async () => {
    const metrics = new MetricsRegistry();
    metrics.setRestoreProgress('0_1', 'profiles', 1000, 250);
    metrics.setRestoreProgress('0_1', 'profiles', 1250, 0);
    metrics.setRestoreProgress('0_1', 'timers', 10, 5);
    const values = await read(metrics);
    const labels = { task: '0_1', store: 'profiles' };
    assert.equal(values.get(series('touchstream_restore_restored_records', labels)), 1250);
    assert.equal(values.get(series('touchstream_restore_remaining_records', labels)), 0);
    const timers = { task: '0_1', store: 'timers' };
    assert.equal(values.get(series('touchstream_restore_remaining_records', timers)), 5);
  });

  it('observes rule evaluation latency in microsecond buckets', async () => {
    const metrics = new MetricsRegistry();
    metrics.observeRuleEvaluation(0.02);
    const values = await read(metrics);
    const name = 'touchstream_rule_evaluation_latency_seconds';
    assert.equal(values.get(`${name}_count`), 1);
    assert.equal(values.get(series(`${name}_bucket`, { le: 0.00001 })), 0);
    assert.equal(values.get(series(`${name}_bucket`, { le: 0.000025 })), 1);
  });

  it('counts touches emitted per channel', async () => {
    const metrics = new MetricsRegistry();
    metrics.recordTouchEmitted('sms');
    metrics.recordTouchEmitted('sms', 4);
    metrics.recordTouchEmitted('wechat', 2);
    const values = await read(metrics);
    const name = 'touchstream_touches_emitted_total';
    assert.equal(values.get(series(name, { channel: 'sms' })), 5);
    assert.equal(values.get(series(name, { channel: 'wechat' })), 2);
  });

  it('counts segment transitions by segment and change', async () => {
    const metrics = new MetricsRegistry();
    metrics.recordSegmentTransition('renewal-due', 'enter', 3);
    metrics.recordSegmentTransition('renewal-due', 'exit');
    const values = await read(metrics);
    const name = 'touchstream_segment_transitions_total';
    assert.equal(values.get(series(name, { segment: 'renewal-due', change: 'enter' })), 3);
    assert.equal(values.get(series(name, { segment: 'renewal-due', change: 'exit' })), 1);
  });

  it('counts dead letters by code and rule rejections by code', async () => {
    const metrics = new MetricsRegistry();
    metrics.recordDeadLetter('TS_RUNTIME_DECODE_FAILED');
    metrics.recordDeadLetter('TS_RUNTIME_DECODE_FAILED', 2);
    metrics.recordRuleRejection('TS_RULE_INVALID');
    const values = await read(metrics);
    assert.equal(
      values.get(series('touchstream_dead_letters_total', { code: 'TS_RUNTIME_DECODE_FAILED' })),
      3,
    );
    assert.equal(
      values.get(series('touchstream_rule_rejections_total', { code: 'TS_RULE_INVALID' })),
      1,
    );
  });

  it('counts rebalances and sets active tasks', async () => {
    const metrics = new MetricsRegistry();
    metrics.recordRebalance();
    metrics.recordRebalance();
    metrics.setActiveTasks(6);
    metrics.setActiveTasks(4);
    const values = await read(metrics);
    assert.equal(values.get('touchstream_rebalances_total'), 2);
    assert.equal(values.get('touchstream_active_tasks'), 4);
  });

  it('sets backfill progress per task', async () => {
    const metrics = new MetricsRegistry();
    metrics.setBackfillProgress('0_5', 10_000);
    metrics.setBackfillProgress('0_5', 25_000);
    const values = await read(metrics);
    assert.equal(
      values.get(series('touchstream_backfill_customers_visited', { task: '0_5' })),
      25_000,
    );
  });

  it('counts delivered and suppressed touches for the delivery stage', async () => {
    const metrics = new MetricsRegistry();
    metrics.recordTouchDelivered('push', 3);
    metrics.recordTouchSuppressed('sms', 'quiet-hours');
    metrics.recordTouchSuppressed('sms', 'frequency-cap', 2);
    const values = await read(metrics);
    assert.equal(values.get(series('touchstream_touches_delivered_total', { channel: 'push' })), 3);
    const suppressed = 'touchstream_touches_suppressed_total';
    assert.equal(values.get(series(suppressed, { channel: 'sms', reason: 'quiet-hours' })), 1);
    assert.equal(values.get(series(suppressed, { channel: 'sms', reason: 'frequency-cap' })), 2);
  });

  it('drops a revoked task gauges but keeps its counters', async () => {
    const metrics = new MetricsRegistry();
    metrics.setRestoreProgress('0_1', 'profiles', 10, 0);
    metrics.setRestoreProgress('0_1', 'timers', 3, 0);
    metrics.setRestoreProgress('0_2', 'profiles', 7, 1);
    metrics.setBackfillProgress('0_1', 99);
    metrics.recordProcessed('0_1', 5);
    metrics.removeTask('0_1');
    const text = await metrics.render();
    assert.doesNotMatch(text, /touchstream_restore_\w+\{task="0_1"/);
    assert.doesNotMatch(text, /touchstream_backfill_customers_visited\{task="0_1"/);
    const values = samples(text);
    const other = { task: '0_2', store: 'profiles' };
    assert.equal(values.get(series('touchstream_restore_remaining_records', other)), 1);
    assert.equal(values.get(series('touchstream_records_processed_total', { task: '0_1' })), 5);
  });

  it('refuses negative and NaN counts with a stable code', () => {
    const metrics = new MetricsRegistry();
    const invalid = (error: unknown) =>
      error instanceof InvalidMetricValueError && error.code === 'TS_METRICS_INVALID_VALUE';
    assert.throws(() => metrics.recordProcessed('0_1', -1), invalid);
    assert.throws(() => metrics.setConsumerLag('claims', 0, Number.NaN), invalid);
    assert.throws(() => metrics.recordCommit(Number.NaN, 1), invalid);
    assert.throws(() => metrics.setActiveTasks(Infinity), invalid);
  });

  it('accepts custom buckets and refuses unordered ones', async () => {
    const metrics = new MetricsRegistry({ buckets: { commitLatency: [0.1, 1] } });
    metrics.recordCommit(500, 1);
    const values = await read(metrics);
    assert.equal(values.get(series('touchstream_commit_latency_seconds_bucket', { le: 1 })), 1);
    assert.equal(
      values.has(series('touchstream_commit_latency_seconds_bucket', { le: 0.5 })),
      false,
    );
    assert.throws(
      () => new MetricsRegistry({ buckets: { ruleEvaluation: [0.01, 0.001] } }),
      (error: unknown) =>
        error instanceof InvalidMetricsOptionError && error.code === 'TS_METRICS_INVALID_OPTION',
    );
  });

  it('adds default labels to every series and process metrics when asked', async () => {
    const metrics = new MetricsRegistry({
      defaultMetrics: true,
      defaultLabels: { instance_id: 'ts-0' },
    });
    metrics.recordRebalance();
    const text = await metrics.render();
    assert.match(text, /^touchstream_rebalances_total\{instance_id="ts-0"\} 1$/m);
    assert.ok(metrics.metricNames().includes('process_cpu_user_seconds_total'));
  });
});
