import { parseArgs } from 'node:util';
import { startApp } from '../app.js';
import { loadConfig } from '../config/index.js';
import { createCliLogger } from '../logger.js';
import { untilSignal } from './signals.js';

export async function runStart(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      brokers: { type: 'string' },
      registry: { type: 'string' },
    },
  });
  const overrides: Record<string, unknown> = {};
  if (values.brokers !== undefined)
    overrides.kafka = { brokers: values.brokers.split(',').map((broker) => broker.trim()) };
  if (values.registry !== undefined) overrides.schemaRegistry = { url: values.registry };
  const config = loadConfig({ file: values.config, env: process.env, overrides });
  const { logger, metrics } = createCliLogger(config);
  const app = await startApp(config, logger, metrics);
  logger.info(
    { api: `http://${config.api.host}:${app.http.port}`, brokers: app.brokers },
    'touchstream running',
  );
  await untilSignal();
  logger.info({}, 'stopping');
  await app.stop();
  return 0;
}
