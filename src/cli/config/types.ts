import type { TouchstreamTopics } from '../../runtime/index.js';

/** The validated configuration (see schema.ts for every field's meaning and default). */
export interface TouchstreamConfig {
  applicationId: string;
  instanceId: string;
  stateDir: string;
  kafka: {
    brokers?: string[];
    processingGuarantee: 'exactly_once' | 'at_least_once';
    sessionTimeoutMs: number;
    heartbeatIntervalMs: number;
    partitions: number;
    embeddedPort: number;
  };
  schemaRegistry: { url?: string; embeddedPort: number };
  serdes: { events: 'avro' | 'json'; outputs: 'avro' | 'json' };
  topics: TouchstreamTopics & { deadLetters: string };
  rules: {
    retention: string;
    indexedAttributes: string[];
    wakeClock: 'wall' | 'stream';
    examplesDir?: string;
  };
  api: { host: string; port: number; advertisedAddress?: string };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' };
  generator: { enabled: boolean; customers: number; eventsPerSecond: number; seed: number };
}
