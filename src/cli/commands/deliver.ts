/**
 * `touchstream deliver`: the delivery workers alone (touch-commands consumer group and deferral
 * pump), from the same config as `start`, for deployments that scale delivery apart from the
 * engine. Also the one place the delivery stage is assembled, which `start` reuses in-process.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Kafka } from 'kafkajs';
import { AvroSerdes, createKafkaClient, findSchemasDir, loadAvroSchemas } from '../../io/index.js';
import type { MetricsRegistry } from '../../observability/index.js';
import { avroDeliveryCodecs, jsonDeliveryCodecs, startDelivery } from '../../sinks/index.js';
import type { ChannelAdapter, RunningDelivery } from '../../sinks/index.js';
import { commandRecordPrefix, deliverySettings } from '../config/index.js';
import type { TouchstreamConfig } from '../config/index.js';
import { channelAdaptersFromConfig } from '../channel-adapters.js';
import { createCliLogger } from '../logger.js';
import type { AppLogger } from '../logging.js';
import { configFromClusterArgs } from './cluster-args.js';
import { untilSignal } from './signals.js';
import { UsageError } from './usage-error.js';

export interface DeliveryStageOptions {
  config: TouchstreamConfig;
  kafka: Kafka;
  /** Prepared Avro serdes; required when serdes.outputs is avro. */
  avro: AvroSerdes | undefined;
  logger: AppLogger;
  metrics: MetricsRegistry;
  adapters: readonly ChannelAdapter[];
}

/** Starts the delivery stage of one instance as the config describes it. */
export async function startDeliveryStage(options: DeliveryStageOptions): Promise<RunningDelivery> {
  const { config, avro, logger } = options;
  if (config.serdes.outputs === 'avro' && avro === undefined)
    throw new UsageError('delivery reads Avro touch commands and needs the Schema Registry');
  if (options.adapters.length === 0)
    logger.warn(
      {},
      'no channel adapters configured: every touch command is suppressed as having no adapter',
    );
  const delivery = await startDelivery({
    kafka: options.kafka,
    applicationId: config.applicationId,
    instanceId: config.instanceId,
    touchesTopic: config.topics.touches,
    partitions: config.kafka.partitions,
    settings: deliverySettings(config),
    codecs:
      avro !== undefined && config.serdes.outputs === 'avro'
        ? avroDeliveryCodecs(avro)
        : jsonDeliveryCodecs(),
    adapters: options.adapters,
    consumer: {
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      heartbeatIntervalMs: config.kafka.heartbeatIntervalMs,
    },
    logger,
    metrics: options.metrics,
    // Only worth keeping when a provider posts receipts back (tracking.callbacks).
    commandRecords:
      config.tracking.callbacks.commandRecords.enabled &&
      Object.keys(config.tracking.callbacks.channels).length > 0
        ? { keyPrefix: commandRecordPrefix(config) }
        : undefined,
  });
  logger.info(
    {
      groupId: `${config.applicationId}-delivery`,
      topic: config.topics.touches,
      feedback: config.topics.feedback,
      channels: options.adapters.map((adapter) => adapter.channel),
    },
    'delivery workers started',
  );
  return delivery;
}

export async function runDeliver(args: string[]): Promise<number> {
  const config = configFromClusterArgs(args);
  // An embedded broker of its own would hold no touch commands: delivery joins an existing cluster.
  if (config.kafka.brokers === undefined)
    throw new UsageError('deliver needs the cluster the engine writes to: --brokers HOST:PORT');
  const { logger, metrics } = createCliLogger(config);
  const kafka = createKafkaClient({
    brokers: config.kafka.brokers,
    clientId: `${config.applicationId}-${config.instanceId}-delivery`,
    log: (level, message, fields) => {
      if (level === 'error') logger.error(fields, message);
      else if (level === 'warn') logger.warn(fields, message);
    },
  });
  let avro: AvroSerdes | undefined;
  if (config.serdes.outputs === 'avro') {
    if (config.schemaRegistry.url === undefined)
      throw new UsageError('Avro outputs need the Schema Registry: --registry URL');
    avro = new AvroSerdes({
      registry: new SchemaRegistry({ host: config.schemaRegistry.url }),
      schemas: await loadAvroSchemas(findSchemasDir()),
    });
    await avro.prepare();
  }
  const channels = await channelAdaptersFromConfig(config, kafka, logger);
  const delivery = await startDeliveryStage({
    config,
    kafka,
    avro,
    logger,
    metrics,
    adapters: channels.adapters,
  });
  await untilSignal();
  logger.info({}, 'stopping');
  await delivery.stop();
  await channels.close();
  return 0;
}
