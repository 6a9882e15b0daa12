import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MetricsRegistry } from '../../src/observability/index.js';

interface Target {
  expr: string;
  datasource?: { uid?: string };
}
interface Panel {
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
}
interface Dashboard {
  schemaVersion: number;
  uid: string;
  templating: { list: { type: string; name: string; query: unknown }[] };
  panels: Panel[];
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../ops/grafana-dashboard.json', import.meta.url), 'utf8'),
) as Dashboard;
const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
const registered = new Set(new MetricsRegistry().metricNames());

// Histograms are queried through their series suffixes; the registry knows the base name.
function baseName(series: string): string {
  return series.replace(/_(bucket|sum|count)$/, '');
}

function metricsIn(expr: string): string[] {
  return (expr.match(/touchstream_[a-z0-9_]+/g) ?? []).map(baseName);
}

describe('ops/grafana-dashboard.json', () => {
  it('is a modern dashboard with a Prometheus datasource variable', () => {
    assert.ok(dashboard.schemaVersion >= 36 && dashboard.schemaVersion <= 41);
    assert.equal(typeof dashboard.uid, 'string');
    const variable = dashboard.templating.list.find((item) => item.name === 'datasource');
    assert.equal(variable?.type, 'datasource');
    assert.equal(variable?.query, 'prometheus');
  });

  it('points every panel and target at the datasource variable', () => {
    for (const panel of panels) {
      assert.equal(panel.datasource?.uid, '${datasource}', panel.title);
      for (const target of panel.targets ?? []) {
        assert.equal(target.datasource?.uid, '${datasource}', panel.title);
      }
    }
  });

  it('queries only metrics the registry registers', () => {
    for (const panel of panels) {
      assert.ok((panel.targets ?? []).length > 0, `${panel.title} has no query`);
      for (const target of panel.targets ?? []) {
        const names = metricsIn(target.expr);
        assert.ok(names.length > 0, `${panel.title}: ${target.expr} names no touchstream metric`);
        for (const name of names) {
          assert.ok(registered.has(name), `${panel.title}: ${name} is not registered`);
        }
      }
    }
  });

  it('has a panel for every engine metric', () => {
    const queried = new Set(
      panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => metricsIn(target.expr))),
    );
    for (const name of registered) assert.ok(queried.has(name), `no panel shows ${name}`);
  });

  it('derives records per second from the processed counter', () => {
    const exprs = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
    assert.ok(
      exprs.some((expr) => /rate\(touchstream_records_processed_total[^[]*\[1m\]\)/.test(expr)),
    );
  });

  it('shows p50 and p99 for process, commit and rule evaluation latency', () => {
    const exprs = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
    for (const histogram of [
      'touchstream_process_latency_seconds',
      'touchstream_commit_latency_seconds',
      'touchstream_rule_evaluation_latency_seconds',
    ]) {
      for (const quantile of ['0.5', '0.99']) {
        assert.ok(
          exprs.some(
            (expr) =>
              expr.startsWith(`histogram_quantile(${quantile},`) &&
              expr.includes(`${histogram}_bucket`),
          ),
          `${histogram} p${Number(quantile) * 100}`,
        );
      }
    }
  });

  it('lays panels out on the 24-column grid without overlaps', () => {
    const boxes = dashboard.panels.map((panel) => panel.gridPos);
    for (const box of boxes) assert.ok(box.x >= 0 && box.w > 0 && box.x + box.w <= 24);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        assert.ok(!overlap, `${dashboard.panels[i].title} overlaps ${dashboard.panels[j].title}`);
      }
    }
  });
});
