import { touchCommandId } from '../../io/index.js';
import type { TouchCommand } from '../channels/types.js';
import { InvalidTouchCommandError } from './errors.js';

type Params = TouchCommand['params'];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function text(record: Record<string, unknown>, field: string): string {
  const value = record[field];
  if (typeof value !== 'string' || value.length === 0)
    throw new InvalidTouchCommandError(field, 'must be a non-empty string', value);
  return value;
}

function epochMs(record: Record<string, unknown>, field: string, fallback?: number): number {
  const value = record[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new InvalidTouchCommandError(field, 'must be epoch milliseconds', value);
  return value;
}

function optionalText(record: Record<string, unknown>, field: string): string | null {
  const value = record[field] ?? null;
  if (value !== null && typeof value !== 'string')
    throw new InvalidTouchCommandError(field, 'must be a string or null', value);
  return value;
}

function params(value: unknown): Params {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new InvalidTouchCommandError('params', 'must be an object', value);
  for (const [name, v] of Object.entries(value)) {
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw new InvalidTouchCommandError(
        `params.${name}`,
        'must be a string, number, boolean or null',
        v,
      );
  }
  return value as Params;
}

/**
 * Checks a decoded touch command and fills what schemas/touch-command.avsc defaults. The JSON
 * output of the topology carries no commandId, createdAt or contact fields: the id is derived the
 * way touchCommandAvroSerde derives it, so both encodings deliver a touch under the same key.
 */
export function toTouchCommand(value: unknown): TouchCommand {
  if (!isObject(value)) throw new InvalidTouchCommandError('(record)', 'must be an object', value);
  const at = epochMs(value, 'at');
  const trigger = text(value, 'trigger');
  const customerId = text(value, 'customerId');
  const commandId =
    value.commandId === undefined
      ? touchCommandId({ trigger, customerId, at })
      : text(value, 'commandId');
  const template = value.template;
  if (typeof template !== 'string')
    throw new InvalidTouchCommandError('template', 'must be a string', template);
  const ruleVersion = value.ruleVersion ?? null;
  if (ruleVersion !== null && typeof ruleVersion !== 'string' && typeof ruleVersion !== 'number')
    throw new InvalidTouchCommandError(
      'ruleVersion',
      'must be a number, a string or null',
      ruleVersion,
    );
  const heldOut = value.heldOut ?? false;
  if (typeof heldOut !== 'boolean')
    throw new InvalidTouchCommandError('heldOut', 'must be a boolean', heldOut);
  return {
    commandId,
    at,
    trigger,
    ruleVersion,
    customerId,
    channel: text(value, 'channel'),
    template,
    params: params(value.params),
    heldOut,
    createdAt: epochMs(value, 'createdAt', at),
    phone: optionalText(value, 'phone'),
    openid: optionalText(value, 'openid'),
    pushRegistrationId: optionalText(value, 'pushRegistrationId'),
  };
}

/** What can be read off a command that failed its checks, for its feedback record. */
export function partialCommand(value: unknown): Partial<TouchCommand> {
  if (!isObject(value)) return {};
  const out: Partial<TouchCommand> = {};
  for (const field of ['commandId', 'trigger', 'customerId', 'channel'] as const) {
    const v = value[field];
    if (typeof v === 'string' && v.length > 0) out[field] = v;
  }
  return out;
}
