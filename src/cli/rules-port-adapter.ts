/**
 * The API's RulesPort over a running engine: rules read from the engine's rules global table,
 * their history from what it saw on the rules topic, writes as records on that topic (the engine
 * picks them up like any rule change), and segment previews evaluated on the live customer state
 * of every instance: this one's tasks here, each other instance's through its /internal/preview,
 * merged only when together they covered every partition exactly once.
 */
import type { Kafka, Producer } from 'kafkajs';
import { gatherShares } from '../api/index.js';
import type {
  LocalSegmentPreview,
  PreviewCaller,
  PublishReceipt,
  RuleDetail,
  RulesPort,
  SegmentPreview,
} from '../api/index.js';
import { validateRule } from '../rules/index.js';
import type { CustomerState, Rule, SegmentRule } from '../rules/index.js';
import { STORES, previewSegmentLocally, smallestIds } from '../runtime/index.js';
import type { StoreQueries } from '../runtime/index.js';
import type { RuleHistory } from './rule-history.js';

/** What the adapter needs of the engine: the rules table and the task stores. */
export interface RulesEngineView extends StoreQueries {
  globalStore(name: string): {
    get(key: string): unknown;
    range(): AsyncIterableIterator<{ key: string; value: unknown }>;
  };
}

export interface KafkaRulesPortOptions {
  kafka: Kafka;
  rulesTopic: string;
  engine: RulesEngineView;
  history: RuleHistory;
  retentionMs: number;
  forwardTimeoutMs: number;
  clock?: () => number;
}

export class KafkaRulesPort implements RulesPort {
  private producer: Promise<Producer> | undefined;

  constructor(private readonly options: KafkaRulesPortOptions) {}

  async list(): Promise<Rule[]> {
    const rules: Rule[] = [];
    for await (const { value } of this.options.engine.globalStore(STORES.rules).range()) {
      const rule = this.inForce(value);
      if (rule !== undefined) rules.push(rule);
    }
    return rules;
  }

  async get(id: string): Promise<RuleDetail | undefined> {
    const rule = this.inForce(this.options.engine.globalStore(STORES.rules).get(id));
    return rule === undefined ? undefined : { rule, history: this.options.history.of(id) };
  }

  publish(rule: Rule): Promise<PublishReceipt> {
    return this.send(rule.id, JSON.stringify(rule));
  }

  remove(id: string): Promise<PublishReceipt> {
    return this.send(id, null);
  }

  async previewLocalSegment(rule: SegmentRule, sampleSize: number): Promise<LocalSegmentPreview> {
    const stores = this.options.engine.localStores<CustomerState>(STORES.customers);
    const { count, sample, partitions } = await previewSegmentLocally(stores, rule, sampleSize);
    return { count, sample: sample as unknown as Record<string, unknown>[], partitions };
  }

  async previewSegment(
    rule: SegmentRule,
    sampleSize: number,
    caller: PreviewCaller = {},
  ): Promise<SegmentPreview> {
    const shares = await gatherShares<LocalSegmentPreview>({
      queries: this.options.engine,
      storeName: STORES.customers,
      what: 'the segment preview',
      local: () => this.previewLocalSegment(rule, sampleSize),
      path: '/internal/preview',
      method: 'POST',
      body: { rule, sampleSize },
      headers: { authorization: caller.authorization },
      timeoutMs: this.options.forwardTimeoutMs,
    });
    return {
      count: shares.reduce((total, share) => total + share.count, 0),
      sample: smallestIds(
        shares.flatMap((share) => share.sample as { customerId: string }[]),
        sampleSize,
      ),
    };
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer !== undefined) await (await producer).disconnect().catch(() => undefined);
  }

  /** The rule as the engine holds it in force: a table value it accepts (see its init). */
  private inForce(value: unknown): Rule | undefined {
    if (value === undefined || value === null) return undefined;
    const checked = validateRule(value, { retentionMs: this.options.retentionMs });
    return checked.ok ? checked.rule : undefined;
  }

  private async send(id: string, value: string | null): Promise<PublishReceipt> {
    this.producer ??= this.connect();
    const ts = (this.options.clock ?? Date.now)();
    await (
      await this.producer
    ).send({
      topic: this.options.rulesTopic,
      messages: [{ key: id, value, timestamp: String(ts) }],
    });
    return { id, ts };
  }

  private async connect(): Promise<Producer> {
    const producer = this.options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    try {
      await producer.connect();
    } catch (error) {
      this.producer = undefined;
      throw error;
    }
    return producer;
  }
}
