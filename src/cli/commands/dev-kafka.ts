import { parseArgs } from 'node:util';
import { startEmbeddedKafka, startEmbeddedSchemaRegistry } from '../../embedded/index.js';
import { UsageError } from './usage-error.js';
import { untilSignal } from './signals.js';

function port(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new UsageError(`--${flag} must be a port number, got ${text}`);
  return value;
}

export async function runDevKafka(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      data: { type: 'string' },
      'registry-port': { type: 'string' },
    },
  });
  const broker = await startEmbeddedKafka({
    port: port(values.port, 'port', 9092),
    dataDir: values.data,
  });
  const registry = await startEmbeddedSchemaRegistry({
    port: port(values['registry-port'], 'registry-port', 8081),
    dataDir: values.data,
  });
  process.stdout.write(
    `embedded Kafka-protocol broker on ${broker.brokers.join(',')}${values.data === undefined ? ' (in memory)' : ` (data in ${values.data})`}\n` +
      `embedded Schema Registry on ${registry.url}\n` +
      'development and test peers only; press Ctrl-C to stop\n',
  );
  await untilSignal();
  await registry.close();
  await broker.close();
  return 0;
}
