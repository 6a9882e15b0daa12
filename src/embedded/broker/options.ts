import { InvalidBrokerOptionError } from './errors.js';

export type BrokerLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type BrokerLogger = (
  level: BrokerLogLevel,
  msg: string,
  fields: Record<string, unknown>,
) => void;

export interface EmbeddedKafkaOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** When set, topic logs, topic configs and committed offsets are kept here and survive a restart. */
  dataDir?: string;
  /** Create a topic on first Metadata/Produce reference (when the client allows it); default true. */
  autoCreateTopics?: boolean;
  /** Partitions of an auto-created topic, and of CreateTopics asking for -1; default 1. */
  defaultPartitions?: number;
  /** Largest request frame accepted; bigger frames close the connection. Default 100 MiB. */
  maxRequestBytes?: number;
  /** Kafka's group.initial.rebalance.delay.ms; default 0 (Kafka's is 3000) so tests start fast. */
  groupInitialRebalanceDelayMs?: number;
  /** Kafka's group.min.session.timeout.ms; default 100 (Kafka's is 6000) so tests can use short sessions. */
  groupMinSessionTimeoutMs?: number;
  /** Kafka's group.max.session.timeout.ms; default 1800000. */
  groupMaxSessionTimeoutMs?: number;
  /** Kafka's transaction.max.timeout.ms; default 900000. */
  transactionTimeoutMaxMs?: number;
  /** Receives the broker's log lines; default: silent. */
  logger?: BrokerLogger;
}

export interface ResolvedBrokerOptions {
  port: number;
  host: string;
  dataDir: string | null;
  autoCreateTopics: boolean;
  defaultPartitions: number;
  maxRequestBytes: number;
  groupInitialRebalanceDelayMs: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  transactionTimeoutMaxMs: number;
  logger: BrokerLogger;
}

function integer(
  field: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidBrokerOptionError(field, value, `an integer from ${min} to ${max}`);
  }
  return value;
}

/** Validates startEmbeddedKafka's options once and returns them frozen with defaults filled in. */
export function resolveOptions(options: EmbeddedKafkaOptions = {}): ResolvedBrokerOptions {
  if (
    options.host !== undefined &&
    (typeof options.host !== 'string' || options.host.length === 0)
  ) {
    throw new InvalidBrokerOptionError('host', options.host, 'a non-empty host name or address');
  }
  if (
    options.dataDir !== undefined &&
    (typeof options.dataDir !== 'string' || options.dataDir.length === 0)
  ) {
    throw new InvalidBrokerOptionError('dataDir', options.dataDir, 'a directory path');
  }
  if (options.autoCreateTopics !== undefined && typeof options.autoCreateTopics !== 'boolean') {
    throw new InvalidBrokerOptionError('autoCreateTopics', options.autoCreateTopics, 'a boolean');
  }
  if (options.logger !== undefined && typeof options.logger !== 'function') {
    throw new InvalidBrokerOptionError('logger', options.logger, 'a function (level, msg, fields)');
  }
  const resolved = {
    port: integer('port', options.port, 0, 0, 65535),
    host: options.host ?? '127.0.0.1',
    dataDir: options.dataDir ?? null,
    autoCreateTopics: options.autoCreateTopics ?? true,
    defaultPartitions: integer('defaultPartitions', options.defaultPartitions, 1, 1, 10_000),
    maxRequestBytes: integer(
      'maxRequestBytes',
      options.maxRequestBytes,
      100 * 1024 * 1024,
      1024,
      2 ** 31 - 1,
    ),
    groupInitialRebalanceDelayMs: integer(
      'groupInitialRebalanceDelayMs',
      options.groupInitialRebalanceDelayMs,
      0,
      0,
      600_000,
    ),
    groupMinSessionTimeoutMs: integer(
      'groupMinSessionTimeoutMs',
      options.groupMinSessionTimeoutMs,
      100,
      1,
      3_600_000,
    ),
    groupMaxSessionTimeoutMs: integer(
      'groupMaxSessionTimeoutMs',
      options.groupMaxSessionTimeoutMs,
      1_800_000,
      1,
      3_600_000,
    ),
    transactionTimeoutMaxMs: integer(
      'transactionTimeoutMaxMs',
      options.transactionTimeoutMaxMs,
      900_000,
      1,
      2 ** 31 - 1,
    ),
    logger: options.logger ?? (() => undefined),
  };
  if (resolved.groupMinSessionTimeoutMs > resolved.groupMaxSessionTimeoutMs) {
    throw new InvalidBrokerOptionError(
      'groupMinSessionTimeoutMs',
      resolved.groupMinSessionTimeoutMs,
      `at most groupMaxSessionTimeoutMs (${resolved.groupMaxSessionTimeoutMs})`,
    );
  }
  return Object.freeze(resolved);
}
