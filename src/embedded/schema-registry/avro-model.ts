/**
 * A resolved model of an Avro schema: every name is fully qualified and every reference to a
 * named type points at the one definition object, so compatibility checks and the canonical
 * printer never have to think about namespaces again.
 *
 * avsc validates the schema first (see schema-parser.ts); this model exists because the
 * compatibility rules and the canonical text need facts avsc does not expose cleanly (whether a
 * field declared a default at all, the declared aliases, unknown attributes).
 */

export type AvroPrimitiveName =
  'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

const PRIMITIVES: ReadonlySet<string> = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

/** Attributes a node may carry beyond the ones the model understands (doc, logicalType, custom props). */
export type AvroExtras = Record<string, unknown>;

export interface AvroPrimitive {
  kind: 'primitive';
  type: AvroPrimitiveName;
  extras: AvroExtras;
}

export interface AvroField {
  name: string;
  aliases: string[];
  type: AvroNode;
  /** Whether the field declared `default` at all (a default of null counts). */
  hasDefault: boolean;
  defaultValue: unknown;
  extras: AvroExtras;
}

export interface AvroRecord {
  kind: 'record';
  /** `record` or `error`; both read the same. */
  recordType: 'record' | 'error';
  fullName: string;
  aliases: string[];
  fields: AvroField[];
  extras: AvroExtras;
}

export interface AvroEnum {
  kind: 'enum';
  fullName: string;
  aliases: string[];
  symbols: string[];
  default: string | undefined;
  extras: AvroExtras;
}

export interface AvroFixed {
  kind: 'fixed';
  fullName: string;
  aliases: string[];
  size: number;
  extras: AvroExtras;
}

export interface AvroArray {
  kind: 'array';
  items: AvroNode;
  extras: AvroExtras;
}

export interface AvroMap {
  kind: 'map';
  values: AvroNode;
  extras: AvroExtras;
}

export interface AvroUnion {
  kind: 'union';
  branches: AvroNode[];
}

export type AvroNamed = AvroRecord | AvroEnum | AvroFixed;
export type AvroNode = AvroPrimitive | AvroNamed | AvroArray | AvroMap | AvroUnion;

/** Named types visible while parsing, by full name (shared with referenced schemas). */
export type AvroNames = Map<string, AvroNamed>;

/** Thrown for a schema the model cannot resolve; schema-parser.ts turns it into a 42201. */
export class AvroModelError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${message} at ${path === '' ? '/' : path}`);
    this.name = 'AvroModelError';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function qualify(name: string, namespace: string): string {
  if (name.includes('.') || namespace === '') return name;
  return `${namespace}.${name}`;
}

function namespaceOf(fullName: string): string {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? '' : fullName.slice(0, dot);
}

function extrasOf(schema: Record<string, unknown>, known: readonly string[]): AvroExtras {
  const extras: AvroExtras = {};
  for (const key of Object.keys(schema)) if (!known.includes(key)) extras[key] = schema[key];
  return extras;
}

function stringList(value: unknown, path: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new AvroModelError('expected an array of strings', path);
  }
  return value as string[];
}

const RECORD_KEYS = ['type', 'name', 'namespace', 'aliases', 'fields'] as const;
const FIELD_KEYS = ['name', 'type', 'default', 'aliases'] as const;
const ENUM_KEYS = ['type', 'name', 'namespace', 'aliases', 'symbols', 'default'] as const;
const FIXED_KEYS = ['type', 'name', 'namespace', 'aliases', 'size'] as const;

/**
 * Parses a raw (JSON-decoded) schema. `names` holds the named types of referenced schemas and
 * receives the ones this schema defines.
 */
export function parseAvroModel(raw: unknown, names: AvroNames = new Map()): AvroNode {
  return parseNode(raw, '', names, '');
}

function parseNode(schema: unknown, namespace: string, names: AvroNames, path: string): AvroNode {
  if (typeof schema === 'string') return resolveName(schema, namespace, names, path);
  if (Array.isArray(schema)) {
    return {
      kind: 'union',
      branches: schema.map((branch, i) => parseNode(branch, namespace, names, `${path}/${i}`)),
    };
  }
  if (!isObject(schema))
    throw new AvroModelError('expected a type name, an object or an array', path);
  const type = schema.type;
  if (typeof type !== 'string') {
    // `{"type": {...}}` and `{"type": [...]}` wrap another schema.
    return parseNode(type, namespace, names, `${path}/type`);
  }
  switch (type) {
    case 'record':
    case 'error':
      return parseRecord(schema, type, namespace, names, path);
    case 'enum': {
      const fullName = defineName(schema, namespace, path);
      const node: AvroEnum = {
        kind: 'enum',
        fullName,
        aliases: aliasesOf(schema, fullName, path),
        symbols: stringList(schema.symbols, `${path}/symbols`),
        default: typeof schema.default === 'string' ? schema.default : undefined,
        extras: extrasOf(schema, ENUM_KEYS),
      };
      register(names, node, path);
      return node;
    }
    case 'fixed': {
      const fullName = defineName(schema, namespace, path);
      if (typeof schema.size !== 'number')
        throw new AvroModelError('fixed needs a numeric size', `${path}/size`);
      const node: AvroFixed = {
        kind: 'fixed',
        fullName,
        aliases: aliasesOf(schema, fullName, path),
        size: schema.size,
        extras: extrasOf(schema, FIXED_KEYS),
      };
      register(names, node, path);
      return node;
    }
    case 'array':
      return {
        kind: 'array',
        items: parseNode(schema.items, namespace, names, `${path}/items`),
        extras: extrasOf(schema, ['type', 'items']),
      };
    case 'map':
      return {
        kind: 'map',
        values: parseNode(schema.values, namespace, names, `${path}/values`),
        extras: extrasOf(schema, ['type', 'values']),
      };
    default:
      if (PRIMITIVES.has(type)) {
        return {
          kind: 'primitive',
          type: type as AvroPrimitiveName,
          extras: extrasOf(schema, ['type']),
        };
      }
      // `{"type": "com.x.Named"}` refers to a named type.
      return resolveName(type, namespace, names, `${path}/type`);
  }
}

function parseRecord(
  schema: Record<string, unknown>,
  recordType: 'record' | 'error',
  namespace: string,
  names: AvroNames,
  path: string,
): AvroRecord {
  const fullName = defineName(schema, namespace, path);
  const node: AvroRecord = {
    kind: 'record',
    recordType,
    fullName,
    aliases: aliasesOf(schema, fullName, path),
    fields: [],
    extras: extrasOf(schema, RECORD_KEYS),
  };
  // Registered before the fields so a field may refer to its own record (recursive types).
  register(names, node, path);
  if (!Array.isArray(schema.fields))
    throw new AvroModelError('record needs a fields array', `${path}/fields`);
  const inner = namespaceOf(fullName);
  schema.fields.forEach((field: unknown, i: number) => {
    const fieldPath = `${path}/fields/${i}`;
    if (!isObject(field) || typeof field.name !== 'string')
      throw new AvroModelError('field needs a name', fieldPath);
    node.fields.push({
      name: field.name,
      aliases: stringList(field.aliases, `${fieldPath}/aliases`),
      type: parseNode(field.type, inner, names, `${fieldPath}/type`),
      hasDefault: 'default' in field,
      defaultValue: field.default,
      extras: extrasOf(field, FIELD_KEYS),
    });
  });
  return node;
}

function defineName(schema: Record<string, unknown>, namespace: string, path: string): string {
  if (typeof schema.name !== 'string' || schema.name === '')
    throw new AvroModelError('named type needs a name', `${path}/name`);
  const own = typeof schema.namespace === 'string' ? schema.namespace : namespace;
  return qualify(schema.name, own);
}

function aliasesOf(schema: Record<string, unknown>, fullName: string, path: string): string[] {
  const namespace = namespaceOf(fullName);
  return stringList(schema.aliases, `${path}/aliases`).map((alias) => qualify(alias, namespace));
}

function register(names: AvroNames, node: AvroNamed, path: string): void {
  if (names.has(node.fullName))
    throw new AvroModelError(`duplicate type name ${node.fullName}`, path);
  names.set(node.fullName, node);
}

function resolveName(name: string, namespace: string, names: AvroNames, path: string): AvroNode {
  if (PRIMITIVES.has(name))
    return { kind: 'primitive', type: name as AvroPrimitiveName, extras: {} };
  const found = names.get(qualify(name, namespace)) ?? names.get(name);
  if (found === undefined) throw new AvroModelError(`unknown type ${name}`, path);
  return found;
}

/** The unqualified part of a full name. */
export function shortName(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf('.') + 1);
}

/** A short description of a node for messages: `record com.x.Y`, `long`, `array`. */
export function describeNode(node: AvroNode): string {
  switch (node.kind) {
    case 'primitive':
      return node.type;
    case 'record':
    case 'enum':
    case 'fixed':
      return `${node.kind} ${node.fullName}`;
    default:
      return node.kind;
  }
}
