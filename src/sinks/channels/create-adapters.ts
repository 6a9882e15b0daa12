import type { Redis } from 'ioredis';
import type { AdapterRuntime } from './base-channel-adapter.js';
import type { ChannelConfig } from './channel-config.js';
import { CouponAdapter } from './coupon-adapter.js';
import { InvalidChannelConfigError } from './errors.js';
import { KafkaTopicAdapter } from './kafka-topic-adapter.js';
import type { TopicProducer } from './kafka-topic-adapter.js';
import { PushAdapter } from './push-adapter.js';
import { SmsAdapter } from './sms-adapter.js';
import type { ChannelAdapter } from './types.js';
import { WechatAdapter } from './wechat-adapter.js';

export interface AdapterDependencies extends AdapterRuntime {
  /** Needed when WeChat is configured: its access token is shared through Redis. */
  redis?: Redis;
  /** Prefix of the adapters' Redis keys; default `ts:channels:`. */
  keyPrefix?: string;
  /** Needed when Kafka-delivered channels are configured; a connected (ideally idempotent) producer. */
  producer?: TopicProducer;
}

/** One adapter per channel the (validated) config names, keyed by the channel name commands carry. */
export function createAdapters(
  config: Readonly<ChannelConfig>,
  deps: AdapterDependencies = {},
): Map<string, ChannelAdapter> {
  const { redis, producer, keyPrefix = 'ts:channels:', ...runtime } = deps;
  const adapters = new Map<string, ChannelAdapter>();
  if (config.push !== undefined) adapters.set('push', new PushAdapter(config.push, runtime));
  if (config.wechat !== undefined) {
    if (redis === undefined)
      throw new InvalidChannelConfigError(
        'channels.wechat',
        'needs a Redis connection to share its access token; pass redis to createAdapters',
        '<configured>',
      );
    adapters.set('wechat', new WechatAdapter(config.wechat, { ...runtime, redis, keyPrefix }));
  }
  if (config.sms !== undefined) adapters.set('sms', new SmsAdapter(config.sms, runtime));
  if (config.coupon !== undefined)
    adapters.set('coupon', new CouponAdapter(config.coupon, runtime));
  for (const [channel, section] of Object.entries(config.kafka ?? {})) {
    if (producer === undefined)
      throw new InvalidChannelConfigError(
        `channels.kafka.${channel}`,
        'needs a Kafka producer; pass producer to createAdapters',
        section.topic,
      );
    adapters.set(channel, new KafkaTopicAdapter(channel, section, producer, runtime));
  }
  return adapters;
}
