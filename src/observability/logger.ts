/**
 * The engine's logger: pino writing JSON lines, with PII masked on every line before it leaves the
 * process. Masking happens in pino's `streamWrite` hook, on the finished line, so no call site
 * has to remember it and child loggers inherit it.
 */
import { hostname } from 'node:os';
import { pino } from 'pino';
import type { Logger as PinoLogger } from 'pino';
import { InvalidLoggerOptionError } from './errors.js';
import { maskJsonLine } from './json-line-mask.js';

export type Logger = PinoLogger;

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const LEVELS: ReadonlySet<string> = new Set([
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
]);

/** Where lines go: anything with a `write(line)` (a stream, a file destination, a test array). */
export interface LogDestination {
  write(line: string): unknown;
}

export interface LoggerOptions {
  /** Minimum level written. Default `info`. */
  level?: LogLevel;
  /** The `name` field on every line. Default `touchstream`. */
  name?: string;
  /** The `instanceId` field on every line (which member of the group wrote it). */
  instanceId?: string;
  /** More fields on every line; `pid` and `hostname` are there unless overridden. */
  base?: Record<string, unknown>;
  /** Where lines go. Default: pino's stdout destination. */
  destination?: LogDestination;
  /** Milliseconds since the epoch for the `time` field; inject a fixed clock in tests. */
  clock?: () => number;
}

function checkOptions(options: LoggerOptions): void {
  if (options.level !== undefined && !LEVELS.has(options.level)) {
    throw new InvalidLoggerOptionError('level', options.level, `one of ${[...LEVELS].join(', ')}`);
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw new InvalidLoggerOptionError('name', options.name, 'a non-empty string');
  }
  if (
    options.destination !== undefined &&
    typeof (options.destination as Partial<LogDestination> | null)?.write !== 'function'
  ) {
    throw new InvalidLoggerOptionError(
      'destination',
      typeof options.destination,
      'an object with a write(line) method',
    );
  }
}

/**
 * Creates a pino logger whose lines are JSON with `level` as a label ("info"), `time` in epoch
 * milliseconds, `name`, `instanceId`, `pid`, `hostname`, and every mobile number and resident ID
 * number masked wherever it appears (message, fields, bindings, error stacks).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  checkOptions(options);
  const base: Record<string, unknown> = {
    pid: process.pid,
    hostname: hostname(),
    name: options.name ?? 'touchstream',
  };
  if (options.instanceId !== undefined) base.instanceId = options.instanceId;
  Object.assign(base, options.base);
  const clock = options.clock;
  const logger = pino(
    {
      level: options.level ?? 'info',
      base,
      timestamp: clock === undefined ? pino.stdTimeFunctions.epochTime : () => `,"time":${clock()}`,
      // Labels survive a change of level numbering and read well in log stores without a mapping.
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: maskJsonLine },
    },
    options.destination as Parameters<typeof pino>[1],
  );
  return logger;
}
