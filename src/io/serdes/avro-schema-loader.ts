import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { SchemaLoadError } from './errors.js';

type AvscSchema = Parameters<typeof avro.Type.forSchema>[0];

/** One `.avsc` file, parsed and checked. */
export interface LoadedAvroSchema {
  /** The file's path. */
  file: string;
  /** The record's full name, e.g. `com.touchstream.ClaimEvent`. */
  fullName: string;
  /** The schema as JSON text, as it is sent to the registry. */
  text: string;
  /** The avsc type for it. */
  type: avro.Type;
}

/**
 * Reads every `*.avsc` in `dir` (in file-name order). Each file must hold one named record with a
 * namespace, because the record's full name is its subject (see AvroSerdes).
 */
export async function loadAvroSchemas(dir: string): Promise<LoadedAvroSchema[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.avsc')).sort();
  } catch (error) {
    throw new SchemaLoadError(`cannot list Avro schemas in ${dir}: ${(error as Error).message}`, {
      cause: error,
      details: { path: dir },
    });
  }
  if (names.length === 0)
    throw new SchemaLoadError(`no *.avsc files in ${dir}`, { details: { path: dir } });
  const loaded = await Promise.all(names.map((name) => loadAvroSchema(join(dir, name))));
  const seen = new Map<string, string>();
  for (const schema of loaded) {
    const other = seen.get(schema.fullName);
    if (other !== undefined) {
      throw new SchemaLoadError(
        `${schema.file} and ${other} both define ${schema.fullName}; one record per name`,
        {
          details: { path: schema.file },
        },
      );
    }
    seen.set(schema.fullName, schema.file);
  }
  return loaded;
}

export async function loadAvroSchema(file: string): Promise<LoadedAvroSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new SchemaLoadError(`cannot read Avro schema ${file}: ${(error as Error).message}`, {
      cause: error,
      details: { path: file },
    });
  }
  const record = raw as { type?: unknown; name?: unknown; namespace?: unknown };
  if (
    record === null ||
    typeof record !== 'object' ||
    record.type !== 'record' ||
    typeof record.name !== 'string'
  ) {
    throw new SchemaLoadError(
      `${file} must hold one Avro record ({"type": "record", "name", "namespace", "fields"})`,
      {
        details: { path: file },
      },
    );
  }
  if (typeof record.namespace !== 'string' && !record.name.includes('.')) {
    throw new SchemaLoadError(
      `${file}: record ${record.name} needs a namespace (its full name is its subject)`,
      { details: { path: file } },
    );
  }
  let type: avro.Type;
  try {
    type = avro.Type.forSchema(raw as AvscSchema);
  } catch (error) {
    throw new SchemaLoadError(`${file} is not a valid Avro schema: ${(error as Error).message}`, {
      cause: error,
      details: { path: file },
    });
  }
  return { file, fullName: type.name as string, text: JSON.stringify(raw), type };
}

/**
 * Finds the project's `schemas/` folder by walking up from `from` (default: this module) to the
 * first directory holding both `package.json` and `schemas/`, so it works from `src/` under tsx
 * and from `dist/` alike.
 */
export function findSchemasDir(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas')))
      return join(dir, 'schemas');
    const parent = dirname(dir);
    if (parent === dir)
      throw new SchemaLoadError(`no schemas/ folder next to a package.json above ${from}`, {
        details: { path: from },
      });
    dir = parent;
  }
}
