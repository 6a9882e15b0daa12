import { isCompatibilityLevel } from './compatibility.js';
import type { CompatibilityLevel } from './compatibility.js';
import { SchemaRegistryError, invalidRequest } from './errors.js';
import type { SchemaReference, SchemaSource, SchemaType } from './schema-parser.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads the body of a register, lookup or compatibility request:
 * `{"schema": "<text>", "schemaType"?: "AVRO" | "JSON", "references"?: [{name, subject, version}]}`.
 */
export function schemaSourceFromBody(body: unknown): SchemaSource {
  if (!isObject(body) || typeof body.schema !== 'string' || body.schema.trim() === '') {
    throw new SchemaRegistryError(
      'TS_REGISTRY_INVALID_SCHEMA',
      'Empty schema: the body needs a "schema" string holding the schema text',
    );
  }
  const type = body.schemaType ?? 'AVRO';
  if (type !== 'AVRO' && type !== 'JSON') {
    throw new SchemaRegistryError(
      'TS_REGISTRY_INVALID_SCHEMA',
      `Invalid schema type ${JSON.stringify(type)}: the embedded registry stores AVRO (the default) and JSON schemas`,
      { details: { schemaType: type } },
    );
  }
  return {
    schemaType: type as SchemaType,
    schema: body.schema,
    references: referencesFrom(body.references),
  };
}

function referencesFrom(value: unknown): SchemaReference[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw invalidRequest('"references" must be an array of {name, subject, version}');
  return value.map((reference: unknown, i) => {
    if (
      !isObject(reference) ||
      typeof reference.name !== 'string' ||
      typeof reference.subject !== 'string' ||
      typeof reference.version !== 'number' ||
      !Number.isInteger(reference.version)
    ) {
      throw invalidRequest(
        `references[${i}] must be {"name": string, "subject": string, "version": integer}`,
      );
    }
    return { name: reference.name, subject: reference.subject, version: reference.version };
  });
}

/** Reads `{"compatibility": LEVEL}` (PUT /config); the level is matched case-insensitively. */
export function compatibilityFromBody(body: unknown): CompatibilityLevel {
  const raw = isObject(body) ? (body.compatibility ?? body.compatibilityLevel) : undefined;
  const level = typeof raw === 'string' ? raw.toUpperCase() : raw;
  if (!isCompatibilityLevel(level)) {
    throw new SchemaRegistryError(
      'TS_REGISTRY_INVALID_COMPATIBILITY_LEVEL',
      `Invalid compatibility level ${JSON.stringify(raw)}. Valid values are none, backward, backward_transitive, forward, forward_transitive, full, full_transitive`,
      { details: { compatibility: raw } },
    );
  }
  return level;
}
