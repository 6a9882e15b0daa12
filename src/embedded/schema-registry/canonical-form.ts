import type { AvroExtras, AvroField, AvroNode } from './avro-model.js';

/**
 * The text a schema is stored and compared under, so one schema written two ways (whitespace,
 * key order, `"int"` vs `{"type": "int"}`, short vs full names, an explicit namespace) gets one id.
 *
 * Unlike Avro's Parsing Canonical Form this keeps everything that changes meaning for a registry:
 * defaults, aliases, enum defaults, doc, logical types and custom properties. Names are always
 * fully qualified and `namespace` is never written; a named type is spelled out at its first
 * occurrence and referred to by name after that.
 */
export function canonicalAvro(node: AvroNode, predefined: Iterable<string> = []): string {
  return print(node, new Set(predefined));
}

/** JSON with object keys sorted at every depth, so equal values print equal text. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson(record[key])}`).join(',')}}`;
}

function extrasText(extras: AvroExtras, skip?: (key: string, value: unknown) => boolean): string {
  let text = '';
  for (const key of Object.keys(extras).sort()) {
    const value = extras[key];
    if (value === undefined || skip?.(key, value)) continue;
    text += `,${JSON.stringify(key)}:${stableJson(value)}`;
  }
  return text;
}

function aliasesText(aliases: readonly string[]): string {
  return aliases.length === 0 ? '' : `,"aliases":${JSON.stringify([...aliases].sort())}`;
}

function print(node: AvroNode, seen: Set<string>): string {
  switch (node.kind) {
    case 'primitive': {
      const extras = extrasText(node.extras);
      return extras === ''
        ? JSON.stringify(node.type)
        : `{"type":${JSON.stringify(node.type)}${extras}}`;
    }
    case 'union':
      return `[${node.branches.map((branch) => print(branch, seen)).join(',')}]`;
    case 'array':
      return `{"type":"array","items":${print(node.items, seen)}${extrasText(node.extras)}}`;
    case 'map':
      return `{"type":"map","values":${print(node.values, seen)}${extrasText(node.extras)}}`;
    default:
      break;
  }
  if (seen.has(node.fullName)) return JSON.stringify(node.fullName);
  seen.add(node.fullName);
  const head = `{"type":${JSON.stringify(node.kind === 'record' ? node.recordType : node.kind)},"name":${JSON.stringify(node.fullName)}${aliasesText(node.aliases)}`;
  switch (node.kind) {
    case 'enum': {
      const fallback =
        node.default === undefined ? '' : `,"default":${JSON.stringify(node.default)}`;
      return `${head},"symbols":${JSON.stringify(node.symbols)}${fallback}${extrasText(node.extras)}}`;
    }
    case 'fixed':
      return `${head},"size":${node.size}${extrasText(node.extras)}}`;
    case 'record': {
      const fields = node.fields.map((field) => printField(field, seen)).join(',');
      return `${head},"fields":[${fields}]${extrasText(node.extras)}}`;
    }
  }
}

function printField(field: AvroField, seen: Set<string>): string {
  const fallback = field.hasDefault ? `,"default":${stableJson(field.defaultValue)}` : '';
  // `order: ascending` is what an absent order means, so it must not make a different schema.
  const extras = extrasText(field.extras, (key, value) => key === 'order' && value === 'ascending');
  return `{"name":${JSON.stringify(field.name)},"type":${print(field.type, seen)}${fallback}${aliasesText(field.aliases)}${extras}}`;
}
