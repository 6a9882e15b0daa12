/**
 * A driver over the touchstream topology with campaign tracking on, and small builders for the
 * records it reads: a trigger rule, the event that fires it, the conversion event, feedback.
 */
import { holdoutFraction } from '../../../src/rules/index.js';
import {
  CAMPAIGN_STORES,
  TopologyTestDriver,
  buildTouchstreamTopology,
  partitionForKey,
  readCampaignPartials,
} from '../../../src/runtime/index.js';
import type {
  CampaignCounters,
  CampaignQuery,
  CampaignTopologyOptions,
  TouchstreamTopics,
} from '../../../src/runtime/index.js';
import { jsonSerde, stringSerde } from '../../../src/topology/index.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** 2026-01-05 00:00 in Asia/Shanghai (a Monday). */
export const T0 = Date.UTC(2026, 0, 4, 16);
export const WINDOW = 30 * DAY;

export const RENEWAL = 'renewal-reminder';

export interface CampaignHarness {
  driver: TopologyTestDriver;
  topics: TouchstreamTopics;
  /** Pipes a customer event (its ts is the record time). */
  event(value: Record<string, unknown>): Promise<void>;
  /** Pipes a delivery feedback record, as the delivery workers write it. */
  feedback(value: Record<string, unknown>): Promise<void>;
  publish(rule: Record<string, unknown>, at?: number): Promise<void>;
  /** Feedback records the topology itself wrote (conversions) since the last call. */
  conversions(): Record<string, unknown>[];
  touches(): Record<string, unknown>[];
  close(): Promise<void>;
}

export async function campaignHarness(
  options: Partial<CampaignTopologyOptions> = {},
  partitions = 2,
): Promise<CampaignHarness> {
  const { topology, topics } = buildTouchstreamTopology({
    backend: 'memory',
    campaigns: {
      conversions: [{ trigger: RENEWAL, event: 'policy.renewed', windowMs: WINDOW }],
      ...options,
    },
  });
  const driver = await TopologyTestDriver.create(topology, {
    partitions,
    backendOverride: 'memory',
  });
  const feedbackOut = driver.createOutputTopic<string, Record<string, unknown>>(topics.feedback);
  const touchesOut = driver.createOutputTopic<string, Record<string, unknown>>(topics.touches);
  const pipe = (topic: string, key: string, value: unknown, timestamp: number) =>
    driver.pipeRaw(topic, stringSerde.serialize(key), jsonSerde.serialize(value), timestamp);
  return {
    driver,
    topics,
    event: (value) => pipe(topics.events, String(value.customerId), value, Number(value.ts)),
    feedback: async (value) => {
      // The topology writes this topic too (conversions), so the driver reads it back the way it
      // reads a repartition topic, as Kafka would: appended here, the record is processed when the
      // driver next settles. (pipeRaw would process it a second time on that read.)
      const log = driver.cluster.ensureTopic(topics.feedback, partitions);
      const key = stringSerde.serialize(String(value.customerId));
      const timestamp = Number(value.at);
      log.append(partitionForKey(key, log.partitionCount), {
        key,
        value: jsonSerde.serialize(value),
        timestamp,
      });
      await driver.advanceStreamTime(timestamp);
    },
    publish: (rule, at = 0) => pipe(topics.rules, String(rule.id), rule, at),
    conversions: () =>
      feedbackOut
        .readValues()
        .filter((v): v is Record<string, unknown> => v?.status === 'converted'),
    touches: () => touchesOut.readValues().filter((v): v is Record<string, unknown> => v !== null),
    close: () => driver.close(),
  };
}

/** A trigger that touches a customer on a `behaviour` event with `action`. */
export function reminder(
  id = RENEWAL,
  extra: Record<string, unknown> = {},
  action = 'renewal-due',
): Record<string, unknown> {
  return {
    id,
    kind: 'trigger',
    on: { event: 'behaviour', action },
    touch: { channel: 'push', template: 'renew' },
    ...extra,
  };
}

let seq = 0;

export function due(customerId: string, ts: number, action = 'renewal-due') {
  return { type: 'behaviour', id: `b${++seq}`, ts, customerId, action };
}

export function renewed(customerId: string, ts: number) {
  return {
    type: 'policy.renewed',
    id: `r${++seq}`,
    ts,
    customerId,
    policyId: 'p1',
    product: 'auto',
    startDate: ts,
    endDate: ts + 365 * DAY,
    premium: 1200,
  };
}

/** Customer ids that are, or are not, in a trigger's control group for `fraction`. */
export function customersByArm(
  trigger: string,
  fraction: number,
  count: number,
): { heldOut: string[]; touched: string[] } {
  const heldOut: string[] = [];
  const touched: string[] = [];
  for (let i = 0; heldOut.length < count || touched.length < count; i += 1) {
    const id = `cust-${i}`;
    const list = holdoutFraction(trigger, id) < fraction ? heldOut : touched;
    if (list.length < count) list.push(id);
  }
  return { heldOut, touched };
}

export function commandId(trigger: string, customerId: string, at: number): string {
  return `${trigger}:${customerId}:${at}`;
}

/** Every partition's statistics read and merged, as the API does on one instance. */
export async function statsRows(driver: TopologyTestDriver, query: CampaignQuery) {
  const partials = await readCampaignPartials(
    driver.localStores<CampaignCounters>(CAMPAIGN_STORES.campaignStats),
    query,
  );
  return partials.rows;
}
