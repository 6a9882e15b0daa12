export { ConfigError, envName, loadConfig, settingPaths } from './load-config.js';
export type { LoadConfigOptions } from './load-config.js';
export { configSchema } from './schema.js';
export type { TouchstreamConfig } from './types.js';
