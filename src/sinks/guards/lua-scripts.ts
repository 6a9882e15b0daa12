/**
 * The guards' Lua scripts run by their SHA1 (EVALSHA) through ioredis' script commands: a batch
 * of 500 claims no longer sends 500 copies of the script text, which measurably cost socket
 * writes in the worker and parsing in Redis. ioredis sends EVAL once per connection to load a
 * script and falls back to it on NOSCRIPT (a Redis restart or SCRIPT FLUSH), pipelines included.
 *
 * Scripts are installed on a connection before any pipeline is made from it: ioredis copies the
 * script commands into a pipeline when the pipeline is created.
 */
import { createHash } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';

/** [lua, numKeys, ...keys, ...args], as EVAL takes them. */
export type ScriptCall = readonly [string, number, ...(string | number)[]];

const names = new Map<string, string>();

function commandName(lua: string): string {
  let name = names.get(lua);
  if (name === undefined) {
    name = `tsGuard${createHash('sha1').update(lua).digest('hex').slice(0, 16)}`;
    names.set(lua, name);
  }
  return name;
}

export function installScripts(redis: Redis, scripts: readonly string[]): void {
  for (const lua of scripts) {
    const name = commandName(lua);
    // Without numberOfKeys, each call passes it first, as EVAL does.
    if (typeof (redis as unknown as Record<string, unknown>)[name] !== 'function')
      redis.defineCommand(name, { lua });
  }
}

type ScriptCommand = (...args: (string | number)[]) => unknown;

function command(target: Redis | ChainableCommander, lua: string): ScriptCommand {
  const method = (target as unknown as Record<string, ScriptCommand | undefined>)[commandName(lua)];
  if (typeof method !== 'function')
    throw new Error('a guard script was run on a connection it was not installed on');
  return method.bind(target);
}

export function runScript(redis: Redis, call: ScriptCall): Promise<unknown> {
  const [lua, ...rest] = call;
  return command(redis, lua)(...rest) as Promise<unknown>;
}

export function queueScript(pipe: ChainableCommander, call: ScriptCall): void {
  const [lua, ...rest] = call;
  command(pipe, lua)(...rest);
}
