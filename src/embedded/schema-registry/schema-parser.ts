import avro from 'avsc';
import { AvroModelError, parseAvroModel } from './avro-model.js';
import type { AvroNames, AvroNode } from './avro-model.js';
import { canonicalAvro, stableJson } from './canonical-form.js';
import { SchemaRegistryError } from './errors.js';

type AvscSchema = Parameters<typeof avro.Type.forSchema>[0];

export type SchemaType = 'AVRO' | 'JSON';

/** A reference to another subject's version, as Confluent's `references` entries carry it. */
export interface SchemaReference {
  /** The name the referring schema uses (for Avro: the referenced type's full name). */
  name: string;
  subject: string;
  version: number;
}

/** A schema as it was registered: the text the registry stores and answers with. */
export interface SchemaSource {
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
}

export interface ParsedSchema extends SchemaSource {
  /** Identifies the schema across subjects: equal keys get one id. */
  key: string;
  /** The resolved Avro model (AVRO only), used by compatibility checks. */
  model: AvroNode | undefined;
}

/** Finds a referenced subject version's source; throws the registry's not-found errors. */
export type ReferenceResolver = (reference: SchemaReference) => SchemaSource;

/**
 * Validates a schema the way the registry does before storing it, and computes its canonical
 * text. Avro is validated by avsc (names, defaults, symbols) and then modelled here; JSON is only
 * checked to be a JSON document (the embedded registry stores JSON schemas but never checks their
 * compatibility). Protobuf is not supported.
 */
export function parseSchema(source: SchemaSource, resolve: ReferenceResolver): ParsedSchema {
  switch (source.schemaType) {
    case 'AVRO':
      return parseAvro(source, resolve);
    case 'JSON':
      return parseJsonSchema(source);
    default:
      throw invalidSchema(
        source,
        `schema type ${String(source.schemaType)} is not supported by the embedded registry (use AVRO or JSON)`,
      );
  }
}

function parseAvro(source: SchemaSource, resolve: ReferenceResolver): ParsedSchema {
  const raw = parseJson(source);
  const names: AvroNames = new Map();
  const avscRegistry: Record<string, avro.Type> = {};
  try {
    loadReferences(source.references, resolve, names, avscRegistry, new Set());
  } catch (error) {
    // A reference that does not resolve makes the schema itself invalid, as Confluent answers.
    throw invalidSchema(source, `a reference does not resolve: ${(error as Error).message}`, error);
  }
  const predefined = [...names.keys()];
  try {
    avro.Type.forSchema(raw as AvscSchema, { registry: avscRegistry });
  } catch (error) {
    throw invalidSchema(source, (error as Error).message, error);
  }
  let model: AvroNode;
  try {
    model = parseAvroModel(raw, names);
  } catch (error) {
    if (error instanceof AvroModelError) throw invalidSchema(source, error.message, error);
    throw error;
  }
  const schema = canonicalAvro(model, predefined);
  return { ...source, schema, model, key: `AVRO\n${schema}\n${stableJson(source.references)}` };
}

/** Defines every referenced type (depth first, each subject version once) before the schema itself. */
function loadReferences(
  references: readonly SchemaReference[],
  resolve: ReferenceResolver,
  names: AvroNames,
  avscRegistry: Record<string, avro.Type>,
  loaded: Set<string>,
): void {
  for (const reference of references) {
    const id = `${reference.subject}\n${reference.version}`;
    if (loaded.has(id)) continue;
    loaded.add(id);
    const referenced = resolve(reference);
    loadReferences(referenced.references, resolve, names, avscRegistry, loaded);
    const raw = JSON.parse(referenced.schema) as unknown;
    avro.Type.forSchema(raw as AvscSchema, { registry: avscRegistry });
    parseAvroModel(raw, names);
  }
}

function parseJsonSchema(source: SchemaSource): ParsedSchema {
  const parsed = parseJson(source);
  if (
    typeof parsed !== 'boolean' &&
    (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
  ) {
    throw invalidSchema(source, 'a JSON schema must be an object or a boolean');
  }
  const schema = stableJson(parsed);
  return {
    ...source,
    schema,
    model: undefined,
    key: `JSON\n${schema}\n${stableJson(source.references)}`,
  };
}

function parseJson(source: SchemaSource): unknown {
  try {
    return JSON.parse(source.schema) as unknown;
  } catch (error) {
    throw invalidSchema(source, `not valid JSON: ${(error as Error).message}`, error);
  }
}

function invalidSchema(source: SchemaSource, reason: string, cause?: unknown): SchemaRegistryError {
  const text = source.schema.length > 200 ? `${source.schema.slice(0, 200)}...` : source.schema;
  return new SchemaRegistryError(
    'TS_REGISTRY_INVALID_SCHEMA',
    `Invalid schema ${text}, details: ${reason}`,
    {
      cause,
      details: { schemaType: source.schemaType, reason },
    },
  );
}
