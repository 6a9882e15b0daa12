import type { TouchstreamTopics } from '../../runtime/index.js';
import type { DeliveryConfig } from './delivery-config.js';
import type { TrackingConfig } from './tracking-config.js';

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
    contactAttributes: { phone: string; openid: string; pushRegistrationId: string };
    insightAttributes: {
      gender: string;
      age: string;
      province: string;
      city: string;
      channel: string;
      level: string;
    };
    insightUtcOffsetMinutes: number;
  };
  api: {
    host: string;
    port: number;
    advertisedAddress?: string;
    tokens: { token: string; role: 'viewer' | 'operator' | 'author' }[];
    forwardTimeoutMs: number;
  };
  timeline: { maxEntries: number };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' };
  delivery: DeliveryConfig;
  tracking: TrackingConfig;
  generator: { enabled: boolean; customers: number; eventsPerSecond: number; seed: number };
}
