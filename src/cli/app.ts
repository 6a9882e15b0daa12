/**
 * Assembles a running touchstream instance from a validated config: the Kafka (or embedded)
 * cluster, the topics, the engine on the Kafka runtime, and its HTTP server.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { startEmbeddedKafka, startEmbeddedSchemaRegistry } from '../embedded/index.js';
import type { EmbeddedKafka, EmbeddedSchemaRegistry } from '../embedded/index.js';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import {
  AvroSerdes,
  createKafkaClient,
  ensureTopics,
  eventAvroSerde,
  findSchemasDir,
  jsonSerde,
  loadAvroSchemas,
  segmentTransitionAvroSerde,
  touchCommandAvroSerde,
} from '../io/index.js';
import type { Serde } from '../io/index.js';
import { parseDuration } from '../rules/index.js';
import {
  KafkaStreams,
  STORES,
  buildTouchstreamTopology,
  deliveryFeedbackSerde,
} from '../runtime/index.js';
import type { TouchstreamTopics } from '../runtime/index.js';
import type { TouchstreamConfig } from './config/index.js';
import type { AppLogger } from './logging.js';
import { startApiServer } from '../api/index.js';
import type { ApiServer } from '../api/index.js';
import type { MetricsRegistry } from '../observability/index.js';
import type { ChannelAdapter, RunningDelivery } from '../sinks/index.js';
import { channelAdaptersFromConfig } from './channel-adapters.js';
import { startDeliveryStage } from './commands/deliver.js';
import { RuleHistory } from './rule-history.js';
import { campaignOptions } from './config/index.js';
import { conversionSerde, startTrackingApi } from './tracking-stage.js';
import { KafkaRulesPort } from './rules-port-adapter.js';

export interface RunningApp {
  config: TouchstreamConfig;
  kafka: Kafka;
  brokers: string[];
  registryUrl: string;
  topics: TouchstreamTopics;
  /** How events are written to the event topics (JSON, or Avro with the registry). */
  eventSerde: Serde<unknown>;
  /** How touch commands are written to the touches topic. */
  touchSerde: Serde<unknown>;
  streams: KafkaStreams;
  http: ApiServer;
  /** The delivery workers, when delivery.enabled. */
  delivery: RunningDelivery | undefined;
  stop(): Promise<void>;
}

export interface StartAppOptions {
  /** The delivery stage's adapters, one per channel; by default those `delivery.channels` configures. */
  channelAdapters?: readonly ChannelAdapter[];
}

async function startBroker(config: TouchstreamConfig, logger: AppLogger): Promise<EmbeddedKafka> {
  try {
    return await startEmbeddedKafka({
      port: config.kafka.embeddedPort,
      defaultPartitions: config.kafka.partitions,
    });
  } catch (error) {
    logger.warn(
      { port: config.kafka.embeddedPort, error: String(error) },
      'embedded broker port taken; using a free port',
    );
    return startEmbeddedKafka({ port: 0, defaultPartitions: config.kafka.partitions });
  }
}

async function startRegistry(
  config: TouchstreamConfig,
  logger: AppLogger,
): Promise<EmbeddedSchemaRegistry> {
  try {
    return await startEmbeddedSchemaRegistry({ port: config.schemaRegistry.embeddedPort });
  } catch (error) {
    logger.warn(
      { port: config.schemaRegistry.embeddedPort, error: String(error) },
      'embedded registry port taken; using a free port',
    );
    return startEmbeddedSchemaRegistry({ port: 0 });
  }
}

export async function startApp(
  config: TouchstreamConfig,
  logger: AppLogger,
  metrics: MetricsRegistry,
  options: StartAppOptions = {},
): Promise<RunningApp> {
  const closers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    let brokers = config.kafka.brokers;
    if (brokers === undefined) {
      const broker = await startBroker(config, logger);
      closers.push(() => broker.close());
      brokers = broker.brokers;
      logger.info({ brokers }, 'embedded Kafka-protocol broker started (development only)');
    }
    let registryUrl = config.schemaRegistry.url;
    if (registryUrl === undefined) {
      const registry = await startRegistry(config, logger);
      closers.push(() => registry.close());
      registryUrl = registry.url;
      logger.info({ url: registryUrl }, 'embedded Schema Registry started (development only)');
    }
    const kafka = createKafkaClient({
      brokers,
      clientId: `${config.applicationId}-${config.instanceId}`,
      log: (level, message, fields) => {
        if (level === 'error') logger.error(fields, message);
        else if (level === 'warn') logger.warn(fields, message);
      },
    });
    // Every schema in schemas/ is registered at start, whichever encoding the event topics use.
    const avro = new AvroSerdes({
      registry: new SchemaRegistry({ host: registryUrl }),
      schemas: await loadAvroSchemas(findSchemasDir()),
    });
    await avro.prepare();
    const eventSerde = config.serdes.events === 'avro' ? eventAvroSerde(avro) : jsonSerde('event');
    const avroOutputs = config.serdes.outputs === 'avro';
    const touchSerde = avroOutputs ? touchCommandAvroSerde(avro) : jsonSerde('touch command');
    const transitionSerde = avroOutputs
      ? segmentTransitionAvroSerde(avro)
      : jsonSerde('segment transition');
    const { topology, topics } = buildTouchstreamTopology({
      eventSerde,
      touchSerde,
      transitionSerde,
      topics: config.topics,
      timeline: { maxEntries: config.timeline.maxEntries },
      feedbackSerde: deliveryFeedbackSerde(avro),
      campaigns: campaignOptions(config),
      conversionSerde: conversionSerde(config, avro),
      retentionMs: parseDuration(config.rules.retention),
      indexedAttributes: config.rules.indexedAttributes,
      wakeClock: config.rules.wakeClock,
      contactAttributes: config.rules.contactAttributes,
      insightAttributes: config.rules.insightAttributes,
      insightUtcOffsetMinutes: config.rules.insightUtcOffsetMinutes,
      onBackfillProgress: (progress) => {
        metrics.setBackfillProgress(progress.taskId, progress.visited);
        if (progress.done) logger.info(progress, 'backfill finished');
      },
      onRuleRejected: (rejection) => {
        metrics.recordRuleRejection('TS_RULE_INVALID');
        logger.warn({ ...rejection }, 'rule rejected');
      },
      onTransitions: (transitions) => {
        for (const transition of transitions)
          metrics.recordSegmentTransition(transition.segment, transition.change);
      },
      onTouches: (touches) => {
        for (const touch of touches) metrics.recordTouchEmitted(touch.channel);
      },
    });
    const ruleHistory = new RuleHistory();
    const admin = kafka.admin();
    await admin.connect();
    const partitions = config.kafka.partitions;
    await ensureTopics(admin, [
      { topic: topics.events, partitions },
      { topic: topics.broadcasts, partitions: 1 },
      { topic: topics.rules, partitions: 1, compact: true },
      { topic: topics.transitions, partitions },
      { topic: topics.touches, partitions },
      { topic: topics.ruleRejections, partitions: 1 },
      { topic: config.topics.deadLetters, partitions: 1 },
      // Read with the events (co-partitioned) into each customer's timeline.
      { topic: topics.feedback, partitions },
    ]);
    await admin.disconnect();
    const tracking = await startTrackingApi({ config, kafka, avro, logger });
    closers.push(() => tracking.close());
    const apiOptions = {
      host: config.api.host,
      port: config.api.port,
      metrics,
      tokens: config.api.tokens,
      forwardTimeoutMs: config.api.forwardTimeoutMs,
      campaigns: tracking.campaigns,
      callbacks: tracking.callbacks,
    };
    const http = await startApiServer(apiOptions).catch((error: unknown) => {
      if ((error as { code?: string }).code !== 'EADDRINUSE' || config.api.port === 0) throw error;
      logger.warn({ port: config.api.port }, 'API port taken; using a free port');
      return startApiServer({ ...apiOptions, port: 0 });
    });
    closers.push(() => http.close());
    const streams = new KafkaStreams({
      kafka,
      applicationId: config.applicationId,
      instanceId: config.instanceId,
      topology,
      stateDir: config.stateDir,
      processingGuarantee: config.kafka.processingGuarantee,
      deadLetterTopic: config.topics.deadLetters,
      apiAddress: config.api.advertisedAddress ?? `http://${config.api.host}:${http.port}`,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      heartbeatIntervalMs: config.kafka.heartbeatIntervalMs,
      logger,
      onRestoreProgress: (progress) => {
        metrics.setRestoreProgress(progress.taskId, progress.store, progress.restored, 0);
        logger.debug?.({ ...progress }, 'restoring');
      },
      onCommit: ({ ms, records }) => metrics.recordCommit(ms, records),
      onRebalance: () => metrics.recordRebalance(),
      onDeadLetter: (letter) => {
        metrics.recordDeadLetter(letter.code);
        logger.warn(
          {
            code: letter.code,
            topic: letter.topic,
            partition: letter.partition,
            offset: letter.offset,
            reason: letter.message,
          },
          'dead letter',
        );
      },
      // Any input may carry Avro (the feedback topic does whichever way events are encoded).
      prepareBatch: async (values) => {
        if (avro.hasUnknownIds(values)) await avro.resolveUnknownIds(values);
      },
      onGlobalRecord: (table, record) => {
        if (table === STORES.rules) ruleHistory.record(record.key, record.value, record.timestamp);
      },
      onBatchProcessed: ({ taskId, records, ms }) => {
        metrics.recordProcessed(taskId, records);
        metrics.observeProcessLatency(taskId, ms / Math.max(1, records));
      },
    });
    http.attach(streams);
    http.attachQueries(streams);
    const rules = new KafkaRulesPort({
      kafka,
      rulesTopic: topics.rules,
      engine: streams,
      history: ruleHistory,
      retentionMs: parseDuration(config.rules.retention),
      forwardTimeoutMs: config.api.forwardTimeoutMs,
    });
    closers.push(() => rules.close());
    // Published before the engine starts, so every instance reads them while it starts up.
    if (config.rules.examplesDir !== undefined)
      await publishRuleFiles(kafka, topics.rules, config.rules.examplesDir, logger);
    await streams.start();
    closers.push(() => streams.stop());
    // The rules table is readable once the engine has started; until then rules routes answer 503.
    http.attachRules(rules);
    const lagTimer = setInterval(() => void pollLag(streams, metrics), 5_000);
    closers.push(async () => clearInterval(lagTimer));
    // Its own consumer group on the touch-commands topic, beside the engine; stopped before it.
    let delivery: RunningDelivery | undefined;
    if (config.delivery.enabled) {
      let adapters = options.channelAdapters;
      if (adapters === undefined) {
        const configured = await channelAdaptersFromConfig(config, kafka, logger);
        closers.push(() => configured.close());
        adapters = configured.adapters;
      }
      delivery = await startDeliveryStage({ config, kafka, avro, logger, metrics, adapters });
      closers.push(() => delivery!.stop());
    }
    return {
      config,
      kafka,
      brokers,
      registryUrl,
      topics,
      eventSerde,
      touchSerde,
      streams,
      http,
      delivery,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Consumer lag and active tasks, read from the broker every few seconds. */
async function pollLag(streams: KafkaStreams, metrics: MetricsRegistry): Promise<void> {
  if (streams.state !== 'running') return;
  try {
    for (const { topic, partition, lag } of await streams.consumerLag())
      metrics.setConsumerLag(topic, partition, lag);
    metrics.setActiveTasks(streams.tasks().length);
  } catch {
    // The next poll tries again; lag is a gauge, a missed reading costs nothing.
  }
}

/** Publishes every rule of every JSON file in a folder to the rules topic, keyed by rule id. */
export async function publishRuleFiles(
  kafka: Kafka,
  topic: string,
  directory: string,
  logger: AppLogger,
): Promise<number> {
  const files = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
  const messages: { key: string; value: string }[] = [];
  for (const file of files) {
    const parsed = JSON.parse(await readFile(join(directory, file), 'utf8')) as unknown;
    for (const rule of Array.isArray(parsed) ? parsed : [parsed]) {
      messages.push({ key: String((rule as { id?: unknown }).id), value: JSON.stringify(rule) });
    }
  }
  const producer = kafka.producer();
  await producer.connect();
  try {
    if (messages.length > 0) await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
  logger.info({ rules: messages.length, directory }, 'rules published');
  return messages.length;
}
