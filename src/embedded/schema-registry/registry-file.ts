import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompatibilityLevel } from './compatibility.js';
import { SchemaRegistryError } from './errors.js';
import type { SchemaReference, SchemaType } from './schema-parser.js';

/** Everything the registry knows, as written to `<dataDir>/schema-registry.json`. */
export interface RegistrySnapshot {
  format: 1;
  compatibility: CompatibilityLevel;
  nextId: number;
  schemas: { id: number; schemaType: SchemaType; schema: string; references: SchemaReference[] }[];
  subjects: {
    name: string;
    compatibility?: CompatibilityLevel;
    versions: { version: number; id: number; deleted: boolean }[];
  }[];
}

export const REGISTRY_FILE_NAME = 'schema-registry.json';

/** The registry's file in a data directory; writes replace it whole, by rename, so a crash never leaves half a file. */
export class RegistryFile {
  readonly path: string;
  private pending: Promise<void> = Promise.resolve();

  constructor(readonly dataDir: string) {
    this.path = join(dataDir, REGISTRY_FILE_NAME);
  }

  async load(): Promise<RegistrySnapshot | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw storeFailed(`could not read ${this.path}`, error);
    }
    let snapshot: RegistrySnapshot;
    try {
      snapshot = JSON.parse(text) as RegistrySnapshot;
    } catch (error) {
      throw storeFailed(
        `${this.path} is not valid JSON; fix or remove it (the registry's schemas are lost with it)`,
        error,
      );
    }
    if (snapshot.format !== 1) {
      throw storeFailed(
        `${this.path} has format ${String(snapshot.format)}, this registry reads format 1`,
      );
    }
    return snapshot;
  }

  /**
   * Writes `snapshot()` after every write already queued. Writes are chained rather than run
   * side by side, so the file always ends with the newest state even when requests overlap.
   */
  save(snapshot: () => RegistrySnapshot): Promise<void> {
    const write = this.pending.then(async () => {
      const temporary = `${this.path}.tmp`;
      try {
        await mkdir(this.dataDir, { recursive: true });
        await writeFile(temporary, `${JSON.stringify(snapshot(), null, 2)}\n`);
        await rename(temporary, this.path);
      } catch (error) {
        throw storeFailed(`could not write ${this.path}`, error);
      }
    });
    this.pending = write.catch(() => undefined);
    return write;
  }
}

function storeFailed(message: string, cause?: unknown): SchemaRegistryError {
  return new SchemaRegistryError('TS_REGISTRY_STORE_FAILED', `Schema registry store: ${message}`, {
    cause,
  });
}
