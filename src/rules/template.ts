import type { AttrValue, JsonObject, JsonValue } from './types.js';

const REFERENCE = /\$\{(attr|event)\.([^}]*)\}/g;

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

type Part = string | { scope: 'attr' | 'event'; name: string; path: string[] };
type ParamRenderer = (attrs: ReadonlyMap<string, AttrValue>, event: object) => JsonValue;

interface CompiledParams {
  keys: string[];
  renderers: ParamRenderer[];
  /** A param named `__proto__` needs own-property definition; any other is a plain assignment. */
  plain: boolean;
}

/** Params of the triggers in force, parsed once each (a trigger's params object lives as long as it does). */
const compiled = new WeakMap<JsonObject, CompiledParams>();

function walk(event: object, path: readonly string[]): unknown {
  let node: unknown = event;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function renderer(value: JsonValue): ParamRenderer {
  if (typeof value !== 'string' || !value.includes('${'))
    return typeof value === 'object' && value !== null
      ? () => structuredClone(value) as JsonValue
      : () => value;
  const parts: Part[] = [];
  let last = 0;
  for (const match of value.matchAll(REFERENCE)) {
    if (match.index > last) parts.push(value.slice(last, match.index));
    const scope = match[1] as 'attr' | 'event';
    parts.push({ scope, name: match[2], path: match[2].split('.') });
    last = match.index + match[0].length;
  }
  if (last < value.length) parts.push(value.slice(last));
  return (attrs, event) => {
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else out += text(part.scope === 'attr' ? attrs.get(part.name) : walk(event, part.path));
    }
    return out;
  };
}

function compile(params: JsonObject): CompiledParams {
  const keys = Object.keys(params);
  return {
    keys,
    renderers: keys.map((key) => renderer(params[key])),
    plain: !keys.includes('__proto__'),
  };
}

/**
 * Renders a touch's params: in each top-level string, `${attr.NAME}` becomes the customer's
 * attribute and `${event.PATH}` the triggering event's field (dots walk into objects, so
 * `${event.props.city}` reads a broadcast's prop). Absent references render as ''. Other values,
 * nested ones included, are copied as they are.
 */
export function renderParams(
  params: JsonObject | undefined,
  attrs: ReadonlyMap<string, AttrValue>,
  event: object,
): JsonObject {
  if (params === undefined) return {};
  let parsed = compiled.get(params);
  if (parsed === undefined) {
    parsed = compile(params);
    compiled.set(params, parsed);
  }
  const { keys, renderers } = parsed;
  if (parsed.plain) {
    const out: JsonObject = {};
    for (let i = 0; i < keys.length; i++) out[keys[i]] = renderers[i](attrs, event);
    return out;
  }
  // fromEntries defines own properties, so a param named `__proto__` stays a param.
  return Object.fromEntries(keys.map((key, i) => [key, renderers[i](attrs, event)])) as JsonObject;
}
