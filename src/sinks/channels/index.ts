export type { ChannelAdapter, SendResult, TouchCommand } from './types.js';
export {
  BUILT_IN_CHANNELS,
  CHANNEL_CONFIG_SCHEMA,
  validateChannelConfig,
} from './channel-config.js';
export type {
  BreakerSettings,
  BuiltInChannel,
  ChannelConfig,
  CouponChannelConfig,
  HttpSettings,
  KafkaChannelConfig,
  PushChannelConfig,
  PushTemplate,
  RetrySettings,
  SmsChannelConfig,
  WechatChannelConfig,
  WechatTemplate,
} from './channel-config.js';
export { BaseChannelAdapter, failedResult } from './base-channel-adapter.js';
export type {
  AdapterRuntime,
  AttemptResult,
  ContactField,
  FailedResult,
} from './base-channel-adapter.js';
export { RetryPolicy, realSleep } from './retry-policy.js';
export type { Sleep } from './retry-policy.js';
export { CircuitBreaker } from './circuit-breaker.js';
export type { Admission, CircuitBreakerOptions, CircuitState } from './circuit-breaker.js';
export { HttpSender, httpFailure, isRetryableStatus, isSuccess } from './http-sender.js';
export type { HttpOutcome, HttpRequest } from './http-sender.js';
export { PushAdapter, sendnoFor } from './push-adapter.js';
export { WechatAdapter } from './wechat-adapter.js';
export type { WechatAdapterOptions } from './wechat-adapter.js';
export { WechatTokenSource } from './wechat-token-source.js';
export type { WechatTokenSourceOptions } from './wechat-token-source.js';
export { SmsAdapter, smsSignature } from './sms-adapter.js';
export { CouponAdapter } from './coupon-adapter.js';
export {
  COMMAND_ID_HEADER,
  KafkaTopicAdapter,
  isRetriableKafkaError,
} from './kafka-topic-adapter.js';
export type { TopicProducer } from './kafka-topic-adapter.js';
export { createAdapters } from './create-adapters.js';
export type { AdapterDependencies } from './create-adapters.js';
export { fillTemplate } from './template-text.js';
export {
  ChannelDeliveryError,
  CircuitOpenError,
  InvalidChannelConfigError,
  ProviderRejectedError,
  ProviderUnavailableError,
  RetriesExhaustedError,
  TokenFetchFailedError,
  UnsendableCommandError,
} from './errors.js';
