/**
 * Builds the configuration from defaults, a JSON file, TOUCHSTREAM_* environment variables and
 * command-line overrides (later wins), validates it once against the schema and freezes it.
 * A bad value stops the start with the field named, what it must be, and where it came from.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { TouchstreamError } from '../../errors/index.js';
import { checkChannels, checkGuards } from './delivery-config.js';
import { checkTracking } from './tracking-config.js';
import { configSchema } from './schema.js';
import type { TouchstreamConfig } from './types.js';

export class ConfigError extends TouchstreamError {
  constructor(message: string, field: string) {
    super('TS_CONFIG_INVALID', message, { details: { field } });
  }
}

interface SchemaNode {
  type?: string;
  enum?: readonly unknown[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

/** kafka.sessionTimeoutMs -> TOUCHSTREAM_KAFKA_SESSION_TIMEOUT_MS */
export function envName(path: readonly string[]): string {
  return `TOUCHSTREAM_${path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`;
}

/** Every leaf setting with its path, for the environment mapping and the docs. */
export function settingPaths(
  node: SchemaNode = configSchema as unknown as SchemaNode,
  prefix: string[] = [],
): { path: string[]; node: SchemaNode }[] {
  if (node.type === 'object' && node.properties !== undefined) {
    return Object.entries(node.properties).flatMap(([name, child]) =>
      settingPaths(child, [...prefix, name]),
    );
  }
  return [{ path: prefix, node }];
}

function fromEnvText(text: string, node: SchemaNode): unknown {
  if (node.type === 'integer' || node.type === 'number')
    return text.trim() === '' ? text : Number(text);
  if (node.type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  // A map-valued setting (delivery.guards.quietHours) comes as a JSON object.
  if (node.type === 'object' && text.trim().startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  // A list of objects (api.tokens) comes as a JSON array; a list of strings as comma-separated text.
  if (node.type === 'array' && text.trim().startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  if (node.type === 'array')
    return text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  return text;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cursor = target;
  for (const part of path.slice(0, -1)) {
    const next = cursor[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cursor[part] = {};
    cursor = cursor[part] as Record<string, unknown>;
  }
  cursor[path[path.length - 1]] = value;
}

function merge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current !== null &&
      typeof current === 'object' &&
      !Array.isArray(current)
        ? merge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function describeError(error: ErrorObject): { field: string; message: string } {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return {
      field: path === '' ? extra : `${path}.${extra}`,
      message: 'is not a setting touchstream knows',
    };
  }
  if (error.keyword === 'enum') {
    return {
      field: path,
      message: `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
    };
  }
  return { field: path, message: error.message ?? 'is invalid' };
}

export interface LoadConfigOptions {
  /** A JSON config file. */
  file?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Highest precedence, e.g. from command-line flags. */
  overrides?: Record<string, unknown>;
}

export function loadConfig(options: LoadConfigOptions = {}): TouchstreamConfig {
  const sources = new Map<string, string>();
  let fromFile: Record<string, unknown> = {};
  const file = options.file ?? options.env?.TOUCHSTREAM_CONFIG;
  if (file !== undefined) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw new ConfigError(`cannot read config file ${file}: ${(cause as Error).message}`, 'file');
    }
    if (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile)) {
      throw new ConfigError(`config file ${file} must hold a JSON object`, 'file');
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const { path, node } of settingPaths()) {
    const name = envName(path);
    const text = options.env?.[name];
    if (text === undefined) continue;
    setPath(fromEnv, path, fromEnvText(text, node));
    sources.set(path.join('.'), `environment variable ${name}`);
  }
  const raw = merge(merge(fromFile, fromEnv), options.overrides ?? {});
  const ajv = new Ajv({ useDefaults: true, allErrors: false, strict: false });
  const validate = ajv.compile(configSchema);
  if (!validate(raw)) {
    const { field, message } = describeError((validate.errors ?? [])[0]);
    // An item of a list (api.tokens.0.role) came from wherever the list came from.
    const fromSource = [...sources].find(
      ([path]) => field === path || field.startsWith(`${path}.`),
    )?.[1];
    const source = fromSource ?? (file !== undefined ? `config file ${file} or a flag` : 'a flag');
    throw new ConfigError(`config: ${field} ${message} (from ${source})`, field);
  }
  const config = raw as unknown as TouchstreamConfig;
  checkGuards(config.delivery, (message, field) => new ConfigError(message, field));
  checkChannels(config.delivery, (message, field) => new ConfigError(message, field));
  checkTracking(config.tracking, (message, field) => new ConfigError(message, field));
  config.instanceId ??= hostname().replace(/[^A-Za-z0-9._-]/g, '-');
  return deepFreeze(config);
}
