/**
 * The HTTP API under load while the engine processes a steady stream of events: two touchstream
 * instances (startApp, each in its own child process, bench/support/api-bench-instance.ts) in one
 * consumer group on the embedded broker, asked with autocannon through instance A:
 *
 *  - profile_local      GET /customers/:id for customers whose partition A owns (read from A's state)
 *  - profile_forwarded  GET /customers/:id for customers B owns (A forwards to B's API)
 *  - timeline_local     GET /customers/:id/timeline?limit=20 for customers A owns
 *  - insight            GET /segments/auto-expiring-30d/insight (A asks B for its share and merges)
 *
 * Each case runs for a fixed time after a short warm-up, and reports 2xx answers per second, p50
 * and p99 latency (ms), failures, the engine's event rate (records processed by both instances
 * per second) while it ran, and this process's CPU share (is the load generator the limit?). Every profile and timeline answer's served-by header is checked, so a
 * "local" figure is never a forwarded one in disguise (`*_misrouted` must be 0).
 *
 * Before the cases: BENCH_API_CUSTOMERS synthetic customers are onboarded (profiles, tags, policies;
 * about three events per customer) and processed, then BENCH_API_RATE everyday events per second
 * are produced until the end. On a 2-core machine the broker, the producer and autocannon (this
 * process) and both instances share the two cores, so the figures are of the whole system on that
 * machine, not of one instance with a core to itself.
 *
 * Sizes from the environment: BENCH_API_CUSTOMERS (default 20,000), BENCH_API_RATE (events/s, 500),
 * BENCH_API_PARTITIONS (4), BENCH_API_SECONDS (per case, 10), BENCH_API_WARMUP_SECONDS (2),
 * BENCH_API_CONNECTIONS (10). The defaults take about two minutes.
 */
import type { Message } from 'kafkajs';
import { SyntheticInsuranceEvents, seededRandom } from '../src/cli/dev/synthetic-events.js';
import type { SyntheticEvent } from '../src/cli/dev/synthetic-events.js';
import { SERVED_BY_HEADER } from '../src/api/index.js';
import { partitionOfKey } from '../src/runtime/index.js';
import { startApiCluster, waitFor } from './support/api-bench-cluster.js';
import type { ApiCluster } from './support/api-bench-cluster.js';
import { recordsProcessed } from './support/api-bench-process.js';
import { httpLoad } from './support/http-load.js';
import type { HttpLoadOptions } from './support/http-load.js';
import { endOffsets, produceAll, waitCommitted } from './support/kafka-e2e-cluster.js';
import { startSteadyEvents } from './support/steady-events.js';

const env = (name: string, fallback: number): number => {
  const text = process.env[name];
  return text === undefined || text === '' ? fallback : Number(text);
};
const CUSTOMERS = env('BENCH_API_CUSTOMERS', 20_000);
const RATE = env('BENCH_API_RATE', 500);
const PARTITIONS = env('BENCH_API_PARTITIONS', 4);
const SECONDS = env('BENCH_API_SECONDS', 10);
const WARMUP_SECONDS = env('BENCH_API_WARMUP_SECONDS', 2);
const CONNECTIONS = env('BENCH_API_CONNECTIONS', 10);

const APPLICATION_ID = 'bench-api';
const OPERATOR_TOKEN = 'bench-operator-token';
// The example rules' larger segment: every customer with an active auto policy ending within 30 days.
const SEGMENT = 'auto-expiring-30d';
const PRODUCE_BATCH = 5_000;
const WAIT_MS = 10 * 60_000;

const log = (message: string): void =>
  console.error(`[api-queries ${new Date().toISOString().slice(11, 19)}] ${message}`);

function toMessage(event: SyntheticEvent, serialize: (value: unknown) => Uint8Array): Message {
  return {
    key: event.customerId ?? null,
    value: Buffer.from(serialize(event)),
    timestamp: String(event.ts),
  };
}

/** The same ids in a seeded random order, so consecutive requests do not read neighbouring keys. */
function shuffled(ids: readonly string[], seed: number): string[] {
  const random = seededRandom(seed);
  const out = [...ids];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

async function processedByAll(cluster: ApiCluster): Promise<number> {
  const counts = await Promise.all(
    cluster.instances.map((instance) => recordsProcessed(instance.apiAddress)),
  );
  return counts.reduce((total, count) => total + count, 0);
}

async function consumerLag(cluster: ApiCluster): Promise<number> {
  const ends = await endOffsets(cluster.admin, cluster.eventsTopic);
  const [committed] = await cluster.admin.fetchOffsets({
    groupId: APPLICATION_ID,
    topics: [cluster.eventsTopic],
  });
  let lag = 0;
  for (const [partition, end] of ends) {
    const entry = committed?.partitions.find((p) => p.partition === partition);
    lag += end - Math.max(0, Number(entry?.offset ?? 0));
  }
  return lag;
}

export async function run(): Promise<Record<string, number>> {
  const cluster = await startApiCluster({
    applicationId: APPLICATION_ID,
    partitions: PARTITIONS,
    tokens: [{ token: OPERATOR_TOKEN, role: 'operator' }],
    rulesDir: new URL('../examples/rules', import.meta.url).pathname,
    log,
  });
  const results: Record<string, number> = {
    customers: CUSTOMERS,
    partitions: PARTITIONS,
    events_per_s_produced_target: RATE,
    connections: CONNECTIONS,
    seconds_per_case: SECONDS,
  };
  const serialize = (value: unknown) => cluster.eventSerde.serialize(value);
  let stream: ReturnType<typeof startSteadyEvents> | undefined;
  try {
    // --- onboarding -----------------------------------------------------------------------------
    const generator = new SyntheticInsuranceEvents(CUSTOMERS, 42);
    const customerIds: string[] = [];
    const onboardAt = Date.now();
    function* onboarding(): Generator<Message> {
      for (const event of generator.onboarding(onboardAt)) {
        if (event.type === 'customer.profile' && event.customerId !== undefined)
          customerIds.push(event.customerId);
        yield toMessage(event, serialize);
      }
    }
    const onboardEvents = await produceAll(
      cluster.producer,
      cluster.eventsTopic,
      onboarding(),
      PRODUCE_BATCH,
      4,
    );
    const onboardDoneAt = await waitCommitted(
      cluster.admin,
      APPLICATION_ID,
      cluster.eventsTopic,
      await endOffsets(cluster.admin, cluster.eventsTopic),
      WAIT_MS,
    );
    const onboardSeconds = (onboardDoneAt - onboardAt) / 1000;
    log(
      `onboarded ${customerIds.length} customers (${onboardEvents} events) in ${onboardSeconds} s`,
    );
    Object.assign(results, {
      onboard_events: onboardEvents,
      onboard_s: onboardSeconds,
      onboard_events_per_s: Math.round(onboardEvents / onboardSeconds),
    });

    // --- who owns whom ----------------------------------------------------------------------------
    const [a, b] = cluster.instances;
    const owners = await cluster.owners();
    const ownedBy = (address: string) =>
      shuffled(
        customerIds.filter((id) => owners[partitionOfKey(id, PARTITIONS)] === address),
        7,
      );
    const localIds = ownedBy(a.apiAddress);
    const remoteIds = ownedBy(b.apiAddress);
    log(`instance A owns ${localIds.length} customers, B ${remoteIds.length}`);
    results.customers_owned_by_a = localIds.length;

    // --- the steady stream, then the cases ----------------------------------------------------------
    stream = startSteadyEvents({
      producer: cluster.producer,
      topic: cluster.eventsTopic,
      eventsPerSecond: RATE,
      next: (now) => toMessage(generator.next(now), serialize),
    });
    const headers = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    await waitFor(`segment ${SEGMENT} insight answering with members`, 60_000, async () => {
      const response = await fetch(`${a.apiAddress}/segments/${SEGMENT}/insight`, { headers });
      const body = (await response.json()) as { size?: number };
      if (response.status !== 200 || !(Number(body.size) > 0))
        throw new Error(`${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      results.insight_segment_size = Number(body.size);
    });

    const cases: {
      name: string;
      paths: string[];
      servedBy?: string;
    }[] = [
      {
        name: 'profile_local',
        paths: localIds.map((id) => `/customers/${id}`),
        servedBy: a.apiAddress,
      },
      {
        name: 'profile_forwarded',
        paths: remoteIds.map((id) => `/customers/${id}`),
        servedBy: b.apiAddress,
      },
      {
        name: 'timeline_local',
        paths: localIds.map((id) => `/customers/${id}/timeline?limit=20`),
        servedBy: a.apiAddress,
      },
      { name: 'insight', paths: [`/segments/${SEGMENT}/insight`] },
    ];
    const phaseStart = { at: Date.now(), processed: await processedByAll(cluster) };
    for (const { name, paths, servedBy } of cases) {
      const load: HttpLoadOptions = {
        address: a.apiAddress,
        paths,
        headers,
        connections: CONNECTIONS,
        seconds: WARMUP_SECONDS,
        expectHeader:
          servedBy === undefined ? undefined : { name: SERVED_BY_HEADER, value: servedBy },
      };
      if (WARMUP_SECONDS > 0) await httpLoad(load);
      const before = { at: Date.now(), processed: await processedByAll(cluster) };
      const cpuBefore = process.cpuUsage();
      const measured = await httpLoad({ ...load, seconds: SECONDS });
      const cpu = process.cpuUsage(cpuBefore);
      const after = { at: Date.now(), processed: await processedByAll(cluster) };
      Object.assign(results, {
        [`${name}_rps`]: Math.round(measured.rps),
        [`${name}_p50_ms`]: measured.p50Ms,
        [`${name}_p99_ms`]: measured.p99Ms,
        [`${name}_max_ms`]: measured.maxMs,
        [`${name}_failures`]: measured.failures,
        // This process's CPU (autocannon, plus the broker and the producer): near 100 means the
        // load generator, not the API, set the pace.
        [`${name}_client_cpu_pct`]: Math.round(
          (cpu.user + cpu.system) / 10 / (after.at - before.at),
        ),
        [`${name}_engine_events_per_s`]: Math.round(
          (after.processed - before.processed) / ((after.at - before.at) / 1000),
        ),
      });
      if (servedBy !== undefined) results[`${name}_misrouted`] = measured.unexpected;
      log(
        `${name}: ${Math.round(measured.rps)} req/s, p50 ${measured.p50Ms} ms, p99 ${measured.p99Ms} ms, ` +
          `${measured.failures} failures, ${measured.unexpected} misrouted`,
      );
    }
    const phaseEnd = { at: Date.now(), processed: await processedByAll(cluster) };
    const phaseSeconds = (phaseEnd.at - phaseStart.at) / 1000;
    const sent = await stream.stop();
    stream = undefined;
    Object.assign(results, {
      engine_events_per_s: Math.round((phaseEnd.processed - phaseStart.processed) / phaseSeconds),
      events_produced_during_run: sent,
      engine_lag_at_end_events: await consumerLag(cluster),
    });
    log(`query phase ${phaseSeconds} s, ${sent} steady events produced`);
    // The owners must not have moved during the run, or local/forwarded would be mixed.
    const ownersAfter = await cluster.owners();
    results.rebalanced_during_run = JSON.stringify(ownersAfter) === JSON.stringify(owners) ? 0 : 1;
    return results;
  } finally {
    await stream?.stop().catch(() => undefined);
    await cluster.close();
  }
}
