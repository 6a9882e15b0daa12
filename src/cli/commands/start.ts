import { startApp } from '../app.js';
import { createCliLogger } from '../logger.js';
import { configFromClusterArgs } from './cluster-args.js';
import { untilSignal } from './signals.js';

export async function runStart(args: string[]): Promise<number> {
  const config = configFromClusterArgs(args);
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
