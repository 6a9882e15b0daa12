export { ConfigError, envName, loadConfig, settingPaths } from './load-config.js';
export type { LoadConfigOptions } from './load-config.js';
export { configSchema } from './schema.js';
export type { TouchstreamConfig } from './types.js';
export { DELIVERY_CONFIG_SCHEMA, deliverySettings } from './delivery-config.js';
export type { DeliveryConfig } from './delivery-config.js';
export { TRACKING_CONFIG_SCHEMA, campaignOptions, commandRecordPrefix } from './tracking-config.js';
export type { TrackingConfig } from './tracking-config.js';
