import { compatibilityProblems, problemMessages } from './compatibility.js';
import type { CompatibilityLevel, CompatibilityProblem, PreviousSchema } from './compatibility.js';
import {
  SchemaRegistryError,
  invalidVersion,
  schemaNotFound,
  subjectNotFound,
  versionNotFound,
} from './errors.js';
import type { RegistrySnapshot } from './registry-file.js';
import { parseSchema } from './schema-parser.js';
import type { ParsedSchema, SchemaReference, SchemaSource } from './schema-parser.js';

/** `latest` (also spelled -1) or a version number. */
export type VersionSpec = number | 'latest';

interface StoredSchema extends SchemaSource {
  id: number;
  /** Parsed on first need: a registry loaded from disk only parses what it is asked to check. */
  parsed: ParsedSchema | undefined;
}

interface SubjectVersion {
  version: number;
  id: number;
  /** Soft-deleted: hidden from reads and checks, kept so the subject's numbering goes on. */
  deleted: boolean;
}

interface Subject {
  versions: SubjectVersion[];
  compatibility: CompatibilityLevel | undefined;
}

/** What GET /schemas/ids/:id answers: AVRO is the default and is left out, as Confluent does. */
export interface SchemaView {
  schema: string;
  schemaType?: string;
  references?: SchemaReference[];
}

export interface SubjectVersionView extends SchemaView {
  subject: string;
  version: number;
  id: number;
}

export interface CompatibilityResult {
  level: CompatibilityLevel;
  problems: CompatibilityProblem[];
  messages: string[];
}

const MAX_VERSION = 2 ** 31 - 1;

/** Reads the version part of a URL: a number in [1, 2^31-1], `latest` or -1. */
export function parseVersion(subject: string, text: string): VersionSpec {
  if (text === 'latest' || text === '-1') return 'latest';
  if (/^[0-9]+$/.test(text)) {
    const version = Number(text);
    if (version >= 1 && version <= MAX_VERSION) return version;
  }
  throw invalidVersion(subject, text);
}

/**
 * The registry's data and rules, with no HTTP in it: ids are global (one schema, one id, in every
 * subject), versions count per subject, and a new version must pass the subject's compatibility
 * level against the live versions before it. Every method either answers or throws a
 * `SchemaRegistryError` carrying the Confluent error code.
 */
export class RegistryState {
  private readonly schemas = new Map<number, StoredSchema>();
  private readonly idsByKey = new Map<string, number>();
  private readonly subjectsByName = new Map<string, Subject>();
  private nextId = 1;
  private compatibility: CompatibilityLevel = 'BACKWARD';

  static fromSnapshot(snapshot: RegistrySnapshot): RegistryState {
    const state = new RegistryState();
    state.compatibility = snapshot.compatibility;
    state.nextId = snapshot.nextId;
    for (const schema of snapshot.schemas) {
      state.schemas.set(schema.id, { ...schema, parsed: undefined });
    }
    for (const subject of snapshot.subjects) {
      state.subjectsByName.set(subject.name, {
        versions: subject.versions.map((version) => ({ ...version })),
        compatibility: subject.compatibility,
      });
    }
    // Keys come from parsing; every stored schema parsed once here keeps "same schema, same id" across restarts.
    for (const stored of state.schemas.values())
      state.idsByKey.set(state.parsedOf(stored).key, stored.id);
    return state;
  }

  snapshot(): RegistrySnapshot {
    return {
      format: 1,
      compatibility: this.compatibility,
      nextId: this.nextId,
      schemas: [...this.schemas.values()].map(({ id, schemaType, schema, references }) => ({
        id,
        schemaType,
        schema,
        references,
      })),
      subjects: [...this.subjectsByName].map(([name, subject]) => ({
        name,
        ...(subject.compatibility === undefined ? {} : { compatibility: subject.compatibility }),
        versions: subject.versions.map((version) => ({ ...version })),
      })),
    };
  }

  /** Registers a schema under a subject; the same schema again returns its existing id and makes no version. */
  register(subject: string, source: SchemaSource): { id: number; created: boolean } {
    const parsed = parseSchema(source, this.resolveReference);
    const existingId = this.idsByKey.get(parsed.key);
    const entry = this.subjectsByName.get(subject);
    const live = entry?.versions.filter((version) => !version.deleted) ?? [];
    if (existingId !== undefined && live.some((version) => version.id === existingId)) {
      return { id: existingId, created: false };
    }
    const level = entry?.compatibility ?? this.compatibility;
    const problems = compatibilityProblems(level, parsed, this.previousSchemas(live));
    if (problems.length > 0) {
      throw new SchemaRegistryError(
        'TS_REGISTRY_INCOMPATIBLE_SCHEMA',
        `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${problemMessages(problems, level).join(', ')}]`,
        { details: { subject, compatibility: level, problems } },
      );
    }
    let id = existingId;
    if (id === undefined) {
      id = this.nextId++;
      this.schemas.set(id, {
        id,
        schemaType: parsed.schemaType,
        schema: parsed.schema,
        references: parsed.references,
        parsed,
      });
      this.idsByKey.set(parsed.key, id);
    }
    const subjectEntry = entry ?? { versions: [], compatibility: undefined };
    const last = subjectEntry.versions.at(-1)?.version ?? 0;
    subjectEntry.versions.push({ version: last + 1, id, deleted: false });
    this.subjectsByName.set(subject, subjectEntry);
    return { id, created: true };
  }

  /** Finds which version of the subject holds this schema (POST /subjects/:subject). */
  lookup(subject: string, source: SchemaSource, includeDeleted = false): SubjectVersionView {
    const versions = this.liveVersions(subject, includeDeleted);
    const parsed = parseSchema(source, this.resolveReference);
    const id = this.idsByKey.get(parsed.key);
    const match = id === undefined ? undefined : versions.find((version) => version.id === id);
    if (match === undefined) throw schemaNotFound(`under subject '${subject}'`);
    return this.versionView(subject, match);
  }

  schemaById(id: number): SchemaView {
    return view(this.storedSchema(id));
  }

  /** The subject versions that use a schema id (GET /schemas/ids/:id/versions). */
  versionsOfId(id: number): { subject: string; version: number }[] {
    this.storedSchema(id);
    const found: { subject: string; version: number }[] = [];
    for (const [subject, entry] of this.subjectsByName) {
      for (const version of entry.versions) {
        if (!version.deleted && version.id === id)
          found.push({ subject, version: version.version });
      }
    }
    return found.sort((a, b) =>
      a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version,
    );
  }

  subjects(includeDeleted = false): string[] {
    const names: string[] = [];
    for (const [name, entry] of this.subjectsByName) {
      if (
        includeDeleted
          ? entry.versions.length > 0
          : entry.versions.some((version) => !version.deleted)
      )
        names.push(name);
    }
    return names.sort();
  }

  versions(subject: string, includeDeleted = false): number[] {
    return this.liveVersions(subject, includeDeleted).map((version) => version.version);
  }

  version(subject: string, spec: VersionSpec, includeDeleted = false): SubjectVersionView {
    return this.versionView(subject, this.findVersion(subject, spec, includeDeleted));
  }

  /**
   * Checks a schema against one version of a subject (with the subject's level, made
   * non-transitive) or, with no version, against the versions the level names.
   */
  checkCompatibility(
    subject: string,
    spec: VersionSpec | undefined,
    source: SchemaSource,
  ): CompatibilityResult {
    const level = this.subjectConfig(subject, true);
    let previous: SubjectVersion[];
    let effective = level;
    if (spec === undefined) {
      previous =
        this.subjectsByName.get(subject)?.versions.filter((version) => !version.deleted) ?? [];
    } else {
      previous = [this.findVersion(subject, spec, false)];
      effective = level.replace('_TRANSITIVE', '') as CompatibilityLevel;
    }
    const parsed = parseSchema(source, this.resolveReference);
    const problems = compatibilityProblems(effective, parsed, this.previousSchemas(previous));
    return { level, problems, messages: problemMessages(problems, level) };
  }

  globalConfig(): CompatibilityLevel {
    return this.compatibility;
  }

  setGlobalConfig(level: CompatibilityLevel): void {
    this.compatibility = level;
  }

  /** The subject's own level; with `defaultToGlobal`, the global level when it has none. */
  subjectConfig(subject: string, defaultToGlobal: boolean): CompatibilityLevel {
    const level = this.subjectsByName.get(subject)?.compatibility;
    if (level !== undefined) return level;
    if (defaultToGlobal) return this.compatibility;
    throw new SchemaRegistryError(
      'TS_REGISTRY_SUBJECT_CONFIG_NOT_FOUND',
      `Subject '${subject}' does not have subject-level compatibility configured`,
      { details: { subject } },
    );
  }

  /** Sets a subject's level; a subject with no versions yet may hold a level (clients set it before registering). */
  setSubjectConfig(subject: string, level: CompatibilityLevel): void {
    const entry = this.subjectsByName.get(subject);
    if (entry === undefined)
      this.subjectsByName.set(subject, { versions: [], compatibility: level });
    else entry.compatibility = level;
  }

  deleteSubjectConfig(subject: string): CompatibilityLevel {
    const level = this.subjectConfig(subject, false);
    const entry = this.subjectsByName.get(subject);
    if (entry !== undefined) {
      entry.compatibility = undefined;
      if (entry.versions.length === 0) this.subjectsByName.delete(subject);
    }
    return level;
  }

  /**
   * Soft-deletes every version of a subject, or with `permanent` forgets an already soft-deleted
   * subject. Schemas keep their ids either way, so records written with them still decode.
   */
  deleteSubject(subject: string, permanent: boolean): number[] {
    const entry = this.subjectsByName.get(subject);
    if (entry === undefined || entry.versions.length === 0) throw subjectNotFound(subject);
    const live = entry.versions.filter((version) => !version.deleted);
    if (permanent) {
      if (live.length > 0) throw notSoftDeleted(`Subject '${subject}'`, subject);
      this.subjectsByName.delete(subject);
      return entry.versions.map((version) => version.version);
    }
    if (live.length === 0) throw softDeleted(subject);
    for (const version of live) version.deleted = true;
    return live.map((version) => version.version);
  }

  deleteVersion(subject: string, spec: VersionSpec, permanent: boolean): number {
    const entry = this.subjectsByName.get(subject);
    if (entry === undefined || entry.versions.length === 0) throw subjectNotFound(subject);
    const found = this.findVersion(subject, spec, permanent);
    if (permanent) {
      if (!found.deleted)
        throw notSoftDeleted(`Version ${found.version} of subject '${subject}'`, subject);
      entry.versions.splice(entry.versions.indexOf(found), 1);
      if (entry.versions.length === 0 && entry.compatibility === undefined)
        this.subjectsByName.delete(subject);
    } else {
      found.deleted = true;
    }
    return found.version;
  }

  private readonly resolveReference = (reference: SchemaReference): SchemaSource => {
    const found = this.findVersion(reference.subject, reference.version, true);
    return this.storedSchema(found.id);
  };

  private storedSchema(id: number): StoredSchema {
    const stored = this.schemas.get(id);
    if (stored === undefined) throw schemaNotFound(String(id));
    return stored;
  }

  private parsedOf(stored: StoredSchema): ParsedSchema {
    stored.parsed ??= parseSchema(stored, this.resolveReference);
    return stored.parsed;
  }

  private previousSchemas(versions: readonly SubjectVersion[]): PreviousSchema[] {
    return versions.map((version) => {
      const stored = this.storedSchema(version.id);
      const parsed = this.parsedOf(stored);
      return {
        version: version.version,
        schema: stored.schema,
        schemaType: stored.schemaType,
        model: parsed.model,
      };
    });
  }

  private liveVersions(subject: string, includeDeleted: boolean): SubjectVersion[] {
    const versions =
      this.subjectsByName
        .get(subject)
        ?.versions.filter((version) => includeDeleted || !version.deleted) ?? [];
    if (versions.length === 0) throw subjectNotFound(subject);
    return versions;
  }

  private findVersion(subject: string, spec: VersionSpec, includeDeleted: boolean): SubjectVersion {
    const versions = this.liveVersions(subject, includeDeleted);
    const found =
      spec === 'latest' ? versions.at(-1) : versions.find((version) => version.version === spec);
    if (found === undefined) throw versionNotFound(subject, spec);
    return found;
  }

  private versionView(subject: string, version: SubjectVersion): SubjectVersionView {
    return {
      subject,
      version: version.version,
      id: version.id,
      ...view(this.storedSchema(version.id)),
    };
  }
}

function view(stored: StoredSchema): SchemaView {
  return {
    schema: stored.schema,
    ...(stored.schemaType === 'AVRO' ? {} : { schemaType: stored.schemaType }),
    ...(stored.references.length === 0 ? {} : { references: stored.references }),
  };
}

function softDeleted(subject: string): SchemaRegistryError {
  return new SchemaRegistryError(
    'TS_REGISTRY_SUBJECT_SOFT_DELETED',
    `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`,
    { details: { subject } },
  );
}

function notSoftDeleted(what: string, subject: string): SchemaRegistryError {
  return new SchemaRegistryError(
    'TS_REGISTRY_SUBJECT_NOT_SOFT_DELETED',
    `${what} was not deleted first before being permanently deleted`,
    { details: { subject } },
  );
}
