import { avroReadIncompatibilities } from './avro-compatibility.js';
import type { Incompatibility } from './avro-compatibility.js';
import type { AvroNode } from './avro-model.js';
import type { SchemaType } from './schema-parser.js';

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

/** What a compatibility check needs to know about one schema. */
export interface CheckedSchema {
  schemaType: SchemaType;
  model: AvroNode | undefined;
}

export interface PreviousSchema extends CheckedSchema {
  version: number;
  schema: string;
}

export interface CompatibilityProblem extends Incompatibility {
  /** The version the new schema was checked against. */
  oldSchemaVersion: number;
  oldSchema: string;
}

/**
 * Checks `candidate` against the previous versions of a subject (oldest first) under `level`:
 * BACKWARD means the candidate reads what the previous schema wrote, FORWARD the other way round,
 * FULL both; the TRANSITIVE levels check every previous version instead of only the latest.
 *
 * JSON schemas are stored but not checked: any JSON schema is compatible with any other. A change
 * of schema type is never compatible.
 */
export function compatibilityProblems(
  level: CompatibilityLevel,
  candidate: CheckedSchema,
  previous: readonly PreviousSchema[],
): CompatibilityProblem[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? previous : previous.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: CompatibilityProblem[] = [];
  // Newest first, as the Confluent registry reports them.
  for (let i = against.length - 1; i >= 0; i--) {
    const old = against[i];
    const context = { oldSchemaVersion: old.version, oldSchema: old.schema };
    if (old.schemaType !== candidate.schemaType) {
      problems.push({
        errorType: 'TYPE_MISMATCH',
        description: `Incompatible because of different schema type: the new schema is ${candidate.schemaType}, version ${old.version} is ${old.schemaType}`,
        path: '/',
        ...context,
      });
      continue;
    }
    if (candidate.model === undefined || old.model === undefined) continue;
    if (backward) {
      for (const problem of avroReadIncompatibilities(candidate.model, old.model)) {
        problems.push({
          ...problem,
          description: `${problem.description} (reader: the new schema, writer: version ${old.version})`,
          ...context,
        });
      }
    }
    if (forward) {
      for (const problem of avroReadIncompatibilities(old.model, candidate.model)) {
        problems.push({
          ...problem,
          description: `${problem.description} (reader: version ${old.version}, writer: the new schema)`,
          ...context,
        });
      }
    }
  }
  return problems;
}

/** The registry's textual form of one problem, as it appears in 409 messages and verbose checks. */
export function describeProblem(problem: CompatibilityProblem): string {
  return `{errorType:'${problem.errorType}', description:'${problem.description}', additionalInfo:'${problem.path}'}`;
}

/** The `messages` list of a verbose compatibility answer. */
export function problemMessages(
  problems: readonly CompatibilityProblem[],
  level: CompatibilityLevel,
): string[] {
  if (problems.length === 0) return [];
  const first = problems[0];
  return [
    ...problems.map(describeProblem),
    `{oldSchemaVersion: ${first.oldSchemaVersion}}`,
    `{oldSchema: '${first.oldSchema}'}`,
    `{compatibility: '${level}'}`,
  ];
}
