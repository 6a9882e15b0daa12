import { parseArgs } from 'node:util';
import { replay } from '../../runtime/index.js';
import { UsageError } from './usage-error.js';

export async function runReplay(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      rules: { type: 'string' },
      events: { type: 'string' },
      out: { type: 'string' },
      partitions: { type: 'string', default: '1' },
    },
  });
  for (const required of ['rules', 'events', 'out'] as const) {
    if (values[required] === undefined) throw new UsageError(`replay needs --${required}`);
  }
  const partitions = Number(values.partitions);
  if (!Number.isInteger(partitions) || partitions < 1)
    throw new UsageError(`--partitions must be a positive integer, got ${values.partitions}`);
  const result = await replay({
    rulesFile: values.rules as string,
    eventsFile: values.events as string,
    outDir: values.out as string,
    partitions,
  });
  process.stdout.write(
    `${result.events} events: ${result.transitions.length} transitions, ${result.touches.length} touches, ` +
      `${result.deadLetters.length} dead letters -> ${values.out}\n`,
  );
  return 0;
}
