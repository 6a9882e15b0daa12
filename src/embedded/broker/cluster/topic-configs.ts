/**
 * Topic configs the broker reports through DescribeConfigs, with Kafka's defaults. Only
 * cleanup.policy is checked on create; the others are stored and echoed back, not enforced
 * (retention never deletes, and compaction keeps every record: see docs/embedded-broker.md).
 */
export const DEFAULT_TOPIC_CONFIGS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'delete',
  'compression.type': 'producer',
  'delete.retention.ms': '86400000',
  'max.message.bytes': '1048588',
  'message.timestamp.type': 'CreateTime',
  'min.compaction.lag.ms': '0',
  'min.insync.replicas': '1',
  'retention.bytes': '-1',
  'retention.ms': '604800000',
  'segment.bytes': '1073741824',
  'segment.ms': '604800000',
  'unclean.leader.election.enable': 'false',
};

const CLEANUP_POLICIES = new Set(['delete', 'compact', 'compact,delete', 'delete,compact']);

/** Returns an error message for a config the broker refuses, or null when it is acceptable. */
export function validateTopicConfig(name: string, value: string | null): string | null {
  if (
    name === 'cleanup.policy' &&
    (value === null || !CLEANUP_POLICIES.has(value.replace(/\s+/g, '')))
  ) {
    return `cleanup.policy ${JSON.stringify(value)} is not one of delete, compact, compact,delete`;
  }
  return null;
}
