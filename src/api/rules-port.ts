/**
 * What the rules routes need from the engine. The CLI implements it over the rules global store
 * (reads) and a Kafka producer on the compacted rules topic (writes); segment previews are
 * answered by the runtime across every instance.
 */
import type { Rule, SegmentRule } from '../rules/index.js';

export interface RuleVersion {
  /** The rule as published, or null for a tombstone (a delete). */
  rule: Rule | null;
  /** When the upsert or delete was seen (epoch ms; the record's timestamp). */
  ts: number;
}

export interface RuleDetail {
  rule: Rule;
  /** Every upsert and delete of this id the port has seen, newest first. */
  history: RuleVersion[];
}

export interface PublishReceipt {
  id: string;
  /** The record's timestamp on the rules topic (epoch ms). */
  ts: number;
}

export interface SegmentPreview {
  /** How many known customers the segment would hold now, across every instance. */
  count: number;
  /** Up to `sampleSize` members, each at least `{customerId}`; may carry attributes. */
  sample: Record<string, unknown>[];
}

/** One instance's share of a preview: its own tasks' customers. */
export interface LocalSegmentPreview extends SegmentPreview {
  /** The partitions evaluated; a merge over instances must cover every partition once. */
  partitions: number[];
}

/** Who asked, passed on when other instances are asked in turn. */
export interface PreviewCaller {
  /** The caller's Authorization header. */
  authorization?: string;
}

export interface RulesPort {
  /** The rules in force now. */
  list(): Promise<Rule[]>;
  /** The rule in force with that id and its history, or undefined if none is (never or deleted). */
  get(id: string): Promise<RuleDetail | undefined>;
  /** Publishes a validated rule as a `rule.upsert`; resolves once the write is acknowledged. */
  publish(rule: Rule): Promise<PublishReceipt>;
  /** Publishes a tombstone (`rule.delete`) for the id. */
  remove(id: string): Promise<PublishReceipt>;
  /** Evaluates a (validated, unpublished) segment rule against current state everywhere. */
  previewSegment(
    rule: SegmentRule,
    sampleSize: number,
    caller?: PreviewCaller,
  ): Promise<SegmentPreview>;
  /** The same over this instance's tasks only: what each instance answers the others with. */
  previewLocalSegment(rule: SegmentRule, sampleSize: number): Promise<LocalSegmentPreview>;
}
