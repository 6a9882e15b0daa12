/**
 * The CLI's logger (JSON lines, phone and ID-card numbers masked) and metrics registry.
 */
import { MetricsRegistry, createLogger } from '../observability/index.js';
import type { TouchstreamConfig } from './config/index.js';
import type { AppLogger } from './logging.js';

export function createCliLogger(config: TouchstreamConfig): {
  logger: AppLogger;
  metrics: MetricsRegistry;
} {
  const logger = createLogger({
    level: config.log.level,
    name: config.applicationId,
    instanceId: config.instanceId,
  });
  return {
    logger: {
      info: (fields, message) => logger.info(fields, message),
      warn: (fields, message) => logger.warn(fields, message),
      error: (fields, message) => logger.error(fields, message),
      debug: (fields, message) => logger.debug(fields, message),
    },
    metrics: new MetricsRegistry({ defaultMetrics: true }),
  };
}
