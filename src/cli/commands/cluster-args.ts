/**
 * `--config FILE --brokers HOST:PORT,... --registry URL`, shared by the commands that join a
 * cluster (`start`, `deliver`): the config with the flags laid over the file and the environment.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import type { TouchstreamConfig } from '../config/index.js';

export function configFromClusterArgs(args: string[]): TouchstreamConfig {
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
  return loadConfig({ file: values.config, env: process.env, overrides });
}
