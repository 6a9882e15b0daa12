// An in-memory RulesPort: keeps history as the real one must (newest first) and previews a
// segment over a fixed list of customers with a caller-supplied predicate.
import type {
  LocalSegmentPreview,
  PublishReceipt,
  RuleDetail,
  RulesPort,
  RuleVersion,
  SegmentPreview,
} from '../../src/api/index.js';
import type { Rule, SegmentRule } from '../../src/rules/index.js';

export class FakeRulesPort implements RulesPort {
  readonly current = new Map<string, Rule>();
  readonly history = new Map<string, RuleVersion[]>();
  readonly published: (Rule | string)[] = [];
  readonly previews: { rule: SegmentRule; sampleSize: number }[] = [];
  private ts = 1_000;

  constructor(
    private readonly customers: Record<string, unknown>[] = [],
    private readonly member: (customer: Record<string, unknown>) => boolean = () => true,
  ) {}

  async list(): Promise<Rule[]> {
    return [...this.current.values()];
  }

  async get(id: string): Promise<RuleDetail | undefined> {
    const rule = this.current.get(id);
    return rule === undefined ? undefined : { rule, history: this.history.get(id) ?? [] };
  }

  async publish(rule: Rule): Promise<PublishReceipt> {
    this.published.push(rule);
    return this.record(rule.id, rule);
  }

  async remove(id: string): Promise<PublishReceipt> {
    this.published.push(id);
    return this.record(id, null);
  }

  async previewSegment(rule: SegmentRule, sampleSize: number): Promise<SegmentPreview> {
    this.previews.push({ rule, sampleSize });
    const members = this.customers.filter(this.member);
    return { count: members.length, sample: members.slice(0, sampleSize) };
  }

  async previewLocalSegment(rule: SegmentRule, sampleSize: number): Promise<LocalSegmentPreview> {
    return { ...(await this.previewSegment(rule, sampleSize)), partitions: [0] };
  }

  private record(id: string, rule: Rule | null): PublishReceipt {
    const ts = (this.ts += 1);
    if (rule === null) this.current.delete(id);
    else this.current.set(id, rule);
    this.history.set(id, [{ rule, ts }, ...(this.history.get(id) ?? [])]);
    return { id, ts };
  }
}
