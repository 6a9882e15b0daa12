/**
 * The channel adapters the config names, with what they need: a Redis connection when WeChat
 * shares its access token, a producer when channels are delivered through Kafka topics.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { createAdapters, createDeliveryRedis } from '../sinks/index.js';
import type { ChannelAdapter } from '../sinks/index.js';
import type { TouchstreamConfig } from './config/index.js';
import type { AppLogger } from './logging.js';

export interface ConfiguredAdapters {
  adapters: ChannelAdapter[];
  close(): Promise<void>;
}

export async function channelAdaptersFromConfig(
  config: TouchstreamConfig,
  kafka: Kafka,
  logger: AppLogger,
): Promise<ConfiguredAdapters> {
  const channels = config.delivery.channels;
  const redis: Redis | undefined =
    channels.wechat === undefined
      ? undefined
      : createDeliveryRedis(config.delivery.redis.url, logger);
  let producer: Producer | undefined;
  if (Object.keys(channels.kafka ?? {}).length > 0) {
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  }
  const adapters = [
    ...createAdapters(channels, {
      redis,
      producer,
      keyPrefix: `${config.applicationId}:channels:`,
    }).values(),
  ];
  return {
    adapters,
    async close() {
      await Promise.all(adapters.map((adapter) => adapter.close()));
      await producer?.disconnect();
      redis?.disconnect();
    },
  };
}
