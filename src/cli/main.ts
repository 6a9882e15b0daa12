#!/usr/bin/env node
/**
 * The `touchstream` command: start, dev, dev-kafka, deliver, replay.
 */
import { parseArgs } from 'node:util';
import { errorCode, errorMessage } from '../errors/index.js';
import { runDev } from './commands/dev.js';
import { runDeliver } from './commands/deliver.js';
import { runDevKafka } from './commands/dev-kafka.js';
import { runReplay } from './commands/replay.js';
import { runStart } from './commands/start.js';

const USAGE = `usage: touchstream <command> [options]

commands:
  start      [--config FILE] [--brokers HOST:PORT,...] [--registry URL]
             run the engine against a Kafka cluster (the embedded broker when no brokers are given)
  dev        [--customers N] [--rate EVENTS_PER_S]
             the whole system on the embedded broker with example rules and synthetic events
  dev-kafka  [--port 9092] [--data DIR] [--registry-port 8081]
             run the embedded Kafka-protocol broker and Schema Registry alone
  deliver    [--config FILE] --brokers HOST:PORT,... [--registry URL]
             run only the delivery workers (guards, channel adapters, feedback) of the same config
  replay     --rules RULES.json --events EVENTS.jsonl --out DIR [--partitions N]
             run the rules over a file of events in-process; write segments, touches, dead letters
`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  start: runStart,
  dev: runDev,
  'dev-kafka': runDevKafka,
  deliver: runDeliver,
  replay: runReplay,
};

async function main(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({
    args: argv.slice(0, 1),
    allowPositionals: true,
    strict: false,
  });
  const name = positionals[0];
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name === undefined ? 1 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`touchstream: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    return 2;
  }
  return command(argv.slice(1));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`touchstream: ${errorMessage(error)} [${errorCode(error)}]\n`);
    process.exitCode = 1;
  },
);
