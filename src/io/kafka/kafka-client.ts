/**
 * kafkajs clients as the engine uses them: one Kafka object per instance, its log lines routed to
 * the engine's logger instead of kafkajs' console output.
 */
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig, logCreator } from 'kafkajs';

export type KafkaLogLevel = 'error' | 'warn' | 'info' | 'debug';
export type KafkaLogSink = (
  level: KafkaLogLevel,
  message: string,
  fields: Record<string, unknown>,
) => void;

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** Where kafkajs log lines go (default: nowhere). */
  log?: KafkaLogSink;
  /** kafkajs' own log level (default warn). */
  level?: KafkaLogLevel;
  connectionTimeout?: number;
  requestTimeout?: number;
}

const LEVELS: Record<KafkaLogLevel, logLevel> = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

function levelName(level: logLevel): KafkaLogLevel {
  if (level <= logLevel.ERROR) return 'error';
  if (level === logLevel.WARN) return 'warn';
  if (level === logLevel.INFO) return 'info';
  return 'debug';
}

/**
 * Notices about choices made on purpose: the engine relies on kafkajs' default (murmur2, Java
 * client compatible) partitioner, which its own partition lookups mirror; and a producer that
 * limits its retries does so because its caller retries the whole write with backoff.
 */
const DELIBERATE_CHOICES = [
  /switched default partitioner/,
  /Limiting retries for the idempotent producer/,
];

export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const sink = options.log;
  const creator: logCreator = () => (entry) => {
    if (sink === undefined) return;
    const { message, ...fields } = entry.log;
    if (DELIBERATE_CHOICES.some((notice) => notice.test(message))) return;
    sink(levelName(entry.level), `kafkajs ${entry.namespace}: ${message}`, fields);
  };
  const config: KafkaConfig = {
    brokers: options.brokers,
    clientId: options.clientId,
    logLevel: LEVELS[options.level ?? 'warn'],
    logCreator: creator,
    connectionTimeout: options.connectionTimeout ?? 3_000,
    requestTimeout: options.requestTimeout ?? 30_000,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
  };
  return new Kafka(config);
}
