/**
 * Campaign tracking as one instance runs it: how conversions are written to the feedback topic
 * (the app's output encoding), and the provider callbacks (a producer on the feedback topic, and
 * the command records in the delivery stage's Redis) the HTTP server serves.
 */
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { AvroSerdes, Serde } from '../io/index.js';
import { deliveryFeedbackSerde } from '../runtime/index.js';
import type { CallbacksApiOptions, CampaignsApiOptions } from '../api/index.js';
import {
  CallbackIngest,
  RedisCommandRecords,
  avroDeliveryCodecs,
  jsonDeliveryCodecs,
} from '../sinks/index.js';
import type { DeliveryCodecs, DeliveryFeedback } from '../sinks/index.js';
import { commandRecordPrefix } from './config/index.js';
import type { TouchstreamConfig } from './config/index.js';
import type { AppLogger } from './logging.js';

function feedbackCodecs(config: TouchstreamConfig, avro: AvroSerdes): DeliveryCodecs {
  return config.serdes.outputs === 'avro' ? avroDeliveryCodecs(avro) : jsonDeliveryCodecs();
}

/** How the topology writes `converted` feedback: as the delivery stage writes the rest of it. */
export function conversionSerde(config: TouchstreamConfig, avro: AvroSerdes): Serde<unknown> {
  const codecs = feedbackCodecs(config, avro);
  const reader = deliveryFeedbackSerde(avro);
  return {
    serialize: (value) => codecs.encodeFeedback(value as DeliveryFeedback),
    deserialize: (bytes) => reader.deserialize(bytes),
  };
}

export interface TrackingApi {
  campaigns: CampaignsApiOptions;
  /** Absent when no channel takes callbacks. */
  callbacks: CallbacksApiOptions | undefined;
  close(): Promise<void>;
}

export async function startTrackingApi(options: {
  config: TouchstreamConfig;
  kafka: Kafka;
  avro: AvroSerdes;
  logger: AppLogger;
}): Promise<TrackingApi> {
  const { config, kafka, avro, logger } = options;
  const campaigns = { timeZone: config.tracking.timeZone };
  const callbacks = config.tracking.callbacks;
  if (Object.keys(callbacks.channels).length === 0)
    return { campaigns, callbacks: undefined, close: async () => undefined };
  const closers: (() => Promise<unknown>)[] = [];
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  closers.push(() => producer.disconnect());
  let records: RedisCommandRecords | undefined;
  if (callbacks.commandRecords.enabled) {
    // Callbacks must answer quickly: with Redis away a lookup fails at once (the provider retries)
    // instead of queueing until it is back.
    const redis = new Redis(config.delivery.redis.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    redis.on('error', (error: Error) =>
      logger.warn({ error: error.message }, 'command records: Redis error'),
    );
    redis.connect().catch((error: unknown) => {
      logger.warn({ error: String(error) }, 'command records: Redis not reachable yet');
    });
    closers.push(() => redis.quit().catch(() => redis.disconnect()));
    records = new RedisCommandRecords({ redis, keyPrefix: commandRecordPrefix(config) });
  }
  const codecs = feedbackCodecs(config, avro);
  const port = new CallbackIngest({
    producer,
    topic: config.topics.feedback,
    encode: (feedback) => codecs.encodeFeedback(feedback),
    records,
  });
  logger.info(
    { channels: Object.keys(callbacks.channels), records: records !== undefined },
    'provider callbacks served at /callbacks/<channel>',
  );
  return {
    campaigns,
    callbacks: { port, channels: callbacks.channels, maxSkewMs: callbacks.maxSkewMs },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
    },
  };
}
