// touchstream's topology with a timeline, in the in-process driver: rules on the rules topic,
// small event factories, and helpers to pipe events and delivery feedback.
import {
  InMemoryCluster,
  TopologyTestDriver,
  buildTouchstreamTopology,
} from '../../../src/runtime/index.js';
import type { TouchstreamTopics } from '../../../src/runtime/index.js';
import { jsonSerde, stringSerde } from '../../../src/topology/index.js';

export const START = 1_800_000_000_000;
export const DAY = 86_400_000;

export interface Engine {
  driver: TopologyTestDriver;
  topics: TouchstreamTopics;
  event(event: Record<string, unknown>): Promise<void>;
  feedback(feedback: Record<string, unknown>): Promise<void>;
  rule(rule: Record<string, unknown>, at?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startEngine(
  options: {
    rules?: Record<string, unknown>[];
    partitions?: number;
    maxEntries?: number;
    retentionMs?: number;
  } = {},
): Promise<Engine> {
  const { topology, topics } = buildTouchstreamTopology({
    backend: 'memory',
    retentionMs: options.retentionMs,
    timeline: { maxEntries: options.maxEntries },
  });
  const cluster = new InMemoryCluster();
  const rulesTopic = cluster.ensureTopic(topics.rules, 1);
  for (const rule of options.rules ?? []) {
    rulesTopic.append(0, {
      key: stringSerde.serialize(String(rule.id)),
      value: jsonSerde.serialize(rule),
      timestamp: 0,
    });
  }
  const driver = await TopologyTestDriver.create(topology, {
    cluster,
    partitions: options.partitions ?? 1,
    wallClockStart: START,
  });
  const pipe = (topic: string, key: string, value: unknown, ts: number) =>
    driver.pipeRaw(topic, stringSerde.serialize(key), jsonSerde.serialize(value), ts);
  return {
    driver,
    topics,
    event: (event) => pipe(topics.events, String(event.customerId), event, Number(event.ts)),
    feedback: (feedback) =>
      pipe(topics.feedback, String(feedback.customerId), feedback, Number(feedback.at)),
    rule: (rule, at = START) => pipe(topics.rules, String(rule.id), rule, at),
    close: () => driver.close(),
  };
}

let sequence = 0;
const nextId = () => `e${(sequence += 1)}`;

export const profile = (customerId: string, ts: number, attrs: Record<string, unknown>) => ({
  type: 'customer.profile',
  id: nextId(),
  ts,
  customerId,
  attrs,
});

export const tagAdded = (customerId: string, ts: number, tag: string) => ({
  type: 'tag.added',
  id: nextId(),
  ts,
  customerId,
  tag,
});

export const policyIssued = (customerId: string, ts: number, policyId: string, days = 365) => ({
  type: 'policy.issued',
  id: nextId(),
  ts,
  customerId,
  policyId,
  product: 'auto',
  startDate: ts,
  endDate: ts + days * DAY,
  premium: 3200,
  attrs: { plate: '闽D12345' },
});

export const claimSettled = (customerId: string, ts: number, claimId: string, amount: number) => ({
  type: 'claim.settled',
  id: nextId(),
  ts,
  customerId,
  claimId,
  amount,
});

export const delivered = (
  customerId: string,
  at: number,
  trigger: string,
  status = 'delivered',
) => ({
  commandId: `${trigger}:${customerId}:${at}`,
  customerId,
  trigger,
  channel: 'sms',
  status,
  at,
});
