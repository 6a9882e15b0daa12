export { startDelivery, createDeliveryRedis } from './delivery-service.js';
export type {
  DeliveryServiceOptions,
  DeliverySettings,
  RunningDelivery,
} from './delivery-service.js';
export { DeliveryWorker } from './delivery-worker.js';
export type { DeliveryWorkerOptions } from './delivery-worker.js';
export { DeferralPump } from './deferral-pump.js';
export type { DeferralPumpOptions } from './deferral-pump.js';
export { DeliveryPipeline } from './delivery-pipeline.js';
export type { DeliveryPipelineOptions, RunControl } from './delivery-pipeline.js';
export type { CommandRecorder, DeliveryLogger, DeliveryMetrics } from './delivery-ports.js';
export { ConcurrencyLimit } from './concurrency-limit.js';
export { DeliveryOutput } from './delivery-output.js';
export type {
  CommandSource,
  DeliveryDeadLetter,
  DeliveryOutputOptions,
} from './delivery-output.js';
export { avroDeliveryCodecs, jsonDeliveryCodecs } from './delivery-codecs.js';
export type { DeliveryCodecs } from './delivery-codecs.js';
export type { DeliveryFeedback } from './delivery-feedback.js';
export { itemFromDeferred, itemFromRecord } from './delivery-item.js';
export type { DeliveryItem, Outcome } from './delivery-item.js';
export { toTouchCommand } from './touch-command-shape.js';
export { backoffDelay } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export {
  AdapterThrewError,
  DeliveryOutputError,
  InvalidDeliveryOptionError,
  InvalidTouchCommandError,
} from './errors.js';
