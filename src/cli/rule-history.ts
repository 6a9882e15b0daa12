/**
 * Every upsert and delete of each rule id seen on the rules topic since this instance started
 * (it reads the topic from the beginning, so that is every version the topic still holds), newest
 * first. Bounded: the newest `perRule` versions of at most `maxRules` ids, the ids changed least
 * recently dropped first.
 */
import type { Rule } from '../rules/index.js';
import type { RuleVersion } from '../api/index.js';

export class RuleHistory {
  private readonly versions = new Map<string, RuleVersion[]>();

  constructor(
    private readonly perRule = 50,
    private readonly maxRules = 10_000,
  ) {}

  /** A record of the rules topic: the rule as published, or null for a delete. */
  record(id: string, value: unknown, ts: number): void {
    const list = this.versions.get(id) ?? [];
    list.unshift({ rule: value === null || value === undefined ? null : (value as Rule), ts });
    if (list.length > this.perRule) list.length = this.perRule;
    // Re-inserted so the map's order is the order of last change: the first key is the stalest.
    this.versions.delete(id);
    this.versions.set(id, list);
    if (this.versions.size > this.maxRules) {
      const stalest = this.versions.keys().next().value as string;
      this.versions.delete(stalest);
    }
  }

  of(id: string): RuleVersion[] {
    return [...(this.versions.get(id) ?? [])];
  }
}
