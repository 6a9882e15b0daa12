// Runs one benchmark module's `run()` and prints its results as the last line of stdout, in JSON.
import { pathToFileURL } from 'node:url';

const file = process.argv[2];
const module = (await import(pathToFileURL(file).href)) as {
  run(): Promise<Record<string, unknown>>;
};
const results = await module.run();
process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(0);
