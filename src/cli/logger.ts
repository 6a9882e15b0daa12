/**
 * The CLI's logger and metrics for a running instance.
 */
import { pino } from 'pino';
import type { MetricsSource } from '../api/index.js';
import type { TouchstreamConfig } from './config/index.js';
import type { AppLogger } from './logging.js';

export function createCliLogger(config: TouchstreamConfig): { logger: AppLogger; metrics?: MetricsSource } {
  const logger = pino({ level: config.log.level, base: { app: config.applicationId, instance: config.instanceId } });
  return {
    logger: {
      info: (fields, message) => logger.info(fields, message),
      warn: (fields, message) => logger.warn(fields, message),
      error: (fields, message) => logger.error(fields, message),
      debug: (fields, message) => logger.debug(fields, message),
    },
  };
}
