/**
 * The touchstream topology on the in-process driver, set up for a million customers: rules on the
 * rules topic before start (as `replay` does), batches through `pipeBatch`, and the in-memory
 * topics emptied behind the engine so that changelog and output records do not pile up in the
 * heap (offsets stay valid: records are dropped, not the slots).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CustomerEvent, Rule } from '../../src/rules/index.js';
import {
  InMemoryCluster,
  TopologyTestDriver,
  buildTouchstreamTopology,
} from '../../src/runtime/index.js';
import type { TouchstreamTopics } from '../../src/runtime/index.js';
import type { StoreBackend } from '../../src/state/index.js';
import { T0, toRecord } from './rules-engine-data.js';
import type { RawRecord } from './rules-engine-data.js';

export const BATCH = 20_000;
/** Customer states each task keeps deserialized (BENCH_CUSTOMER_CACHE; the topology's default if unset). */
const CUSTOMER_CACHE =
  process.env.BENCH_CUSTOMER_CACHE === undefined
    ? undefined
    : Number(process.env.BENCH_CUSTOMER_CACHE);

export interface Timing {
  seconds: number;
  /** CPU seconds of the whole process (every thread, LevelDB's included): less hostage to a shared machine than wall time. */
  cpu: number;
}

export function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

export class EngineHarness {
  /** Records written per topic since the harness started (output topics: transitions, touches). */
  readonly written = new Map<string, number>();
  private readonly cursors = new Map<string, number>();

  private constructor(
    readonly driver: TopologyTestDriver,
    readonly topics: TouchstreamTopics,
    private readonly stateDir: string,
    readonly backfill: { visited: number },
  ) {}

  static async open(rules: readonly Rule[], backend: StoreBackend): Promise<EngineHarness> {
    const backfill = { visited: 0 };
    const { topology, topics } = buildTouchstreamTopology({
      backend,
      customerCacheEntries: CUSTOMER_CACHE,
      onBackfillProgress: (progress) => {
        backfill.visited = progress.visited;
      },
    });
    const cluster = new InMemoryCluster();
    const rulesTopic = cluster.ensureTopic(topics.rules, 1);
    for (const rule of rules) {
      rulesTopic.append(0, {
        key: Buffer.from(rule.id),
        value: Buffer.from(JSON.stringify(rule)),
        timestamp: 0,
      });
    }
    const stateDir = mkdtempSync(join(tmpdir(), 'bench-rules-'));
    const driver = await TopologyTestDriver.create(topology, { cluster, stateDir, partitions: 1 });
    return new EngineHarness(driver, topics, stateDir, backfill);
  }

  /** Pipes the records in batches; returns the wall and CPU seconds spent inside the driver. */
  async pipe(records: readonly RawRecord[]): Promise<Timing> {
    const timing = { seconds: 0, cpu: 0 };
    for (let i = 0; i < records.length; i += BATCH) {
      const batch = records.slice(i, i + BATCH);
      const started = performance.now();
      const cpu = cpuSeconds();
      await this.driver.pipeBatch(this.topics.events, batch);
      timing.cpu += cpuSeconds() - cpu;
      timing.seconds += (performance.now() - started) / 1000;
      this.trim();
    }
    return timing;
  }

  /**
   * Pipes the customer-loading events in batches; `onBatch` hears the running count. Returns the
   * events piped, the time inside the driver and the last event's time.
   */
  async load(
    events: Iterable<CustomerEvent>,
    onBatch?: (piped: number) => void,
  ): Promise<{ events: number; timing: Timing; endTs: number }> {
    const timing: Timing = { seconds: 0, cpu: 0 };
    let batch: RawRecord[] = [];
    let piped = 0;
    let endTs = T0;
    const pipeBatch = async () => {
      const spent = await this.pipe(batch);
      timing.seconds += spent.seconds;
      timing.cpu += spent.cpu;
      piped += batch.length;
      batch = [];
    };
    for (const event of events) {
      batch.push(toRecord(event));
      endTs = event.ts;
      if (batch.length === BATCH) {
        await pipeBatch();
        onBatch?.(piped);
      }
    }
    await pipeBatch();
    return { events: piped, timing, endTs };
  }

  /** Publishes a rule on the rules topic at the current stream time (a backfill if it is a segment). */
  async publishRule(rule: Rule): Promise<void> {
    await this.driver.pipeRaw(
      this.topics.rules,
      Buffer.from(rule.id),
      Buffer.from(JSON.stringify(rule)),
      this.driver.currentStreamTime(),
    );
  }

  /** Pipes a broadcast event (it carries its own `ts`) to the broadcasts topic. */
  async pipeBroadcast(broadcast: { ts: number }): Promise<void> {
    await this.driver.pipeRaw(
      this.topics.broadcasts,
      null,
      Buffer.from(JSON.stringify(broadcast)),
      broadcast.ts,
    );
  }

  count(topic: string): number {
    return this.written.get(topic) ?? 0;
  }

  /** Counts what every topic received since the last call and drops those records. */
  trim(): void {
    const cluster = this.driver.cluster;
    for (const name of cluster.topicNames()) {
      const topic = cluster.topic(name);
      if (topic === undefined || name === this.topics.rules) continue;
      for (let partition = 0; partition < topic.partitionCount; partition += 1) {
        const key = `${name}/${partition}`;
        const log = topic.partitions[partition];
        const from = this.cursors.get(key) ?? 0;
        if (log.length === from) continue;
        this.written.set(name, (this.written.get(name) ?? 0) + log.length - from);
        log.fill(undefined as never, from, log.length);
        this.cursors.set(key, log.length);
      }
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}
