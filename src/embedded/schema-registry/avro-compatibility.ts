import { describeNode, shortName } from './avro-model.js';
import type { AvroNamed, AvroNode, AvroPrimitiveName } from './avro-model.js';

/** The kinds of incompatibility, named as Avro's SchemaCompatibility and the Confluent registry name them. */
export type IncompatibilityType =
  | 'NAME_MISMATCH'
  | 'FIXED_SIZE_MISMATCH'
  | 'MISSING_ENUM_SYMBOLS'
  | 'READER_FIELD_MISSING_DEFAULT_VALUE'
  | 'TYPE_MISMATCH'
  | 'MISSING_UNION_BRANCH';

export interface Incompatibility {
  errorType: IncompatibilityType;
  description: string;
  /** Where in the reader schema, as a JSON-pointer-like path (`/fields/2/type`). */
  path: string;
}

/**
 * Which writer primitives each reader primitive can read (Avro's resolution rules): a reader
 * reads its own type and every type that promotes to it.
 */
const READS_FROM: Record<AvroPrimitiveName, readonly AvroPrimitiveName[]> = {
  null: ['null'],
  boolean: ['boolean'],
  int: ['int'],
  long: ['long', 'int'],
  float: ['float', 'long', 'int'],
  double: ['double', 'float', 'long', 'int'],
  bytes: ['bytes', 'string'],
  string: ['string', 'bytes'],
};

/**
 * Everything that stops `reader` from reading data written with `writer`; empty when it can.
 * This is the one primitive behind every compatibility level: BACKWARD asks whether the new
 * schema reads the old one, FORWARD swaps the two.
 */
export function avroReadIncompatibilities(reader: AvroNode, writer: AvroNode): Incompatibility[] {
  const found: Incompatibility[] = [];
  new Checker(found).check(reader, writer, '');
  return found;
}

class Checker {
  /**
   * Pairs of named types already under check. A recursive type meets itself again while its
   * fields are being checked; assuming the pair compatible there is what ends the recursion, and
   * is sound because any real problem is reported where the pair was first entered.
   */
  private readonly visiting = new Map<AvroNamed, Set<AvroNamed>>();

  constructor(private readonly found: Incompatibility[]) {}

  check(reader: AvroNode, writer: AvroNode, path: string): void {
    if (writer.kind === 'union') {
      // Every branch the writer may have used must be readable.
      for (const branch of writer.branches) this.check(reader, branch, path);
      return;
    }
    if (reader.kind === 'union') {
      if (reader.branches.some((branch, i) => this.quietlyReads(branch, writer, `${path}/${i}`)))
        return;
      // Report what is wrong with the branch Avro's resolution would have picked, if any, since
      // that says more than "no branch fits".
      const candidate = reader.branches.findIndex((branch) => sameShape(branch, writer));
      if (candidate >= 0) {
        this.check(reader.branches[candidate], writer, `${path}/${candidate}`);
        return;
      }
      this.report(
        'MISSING_UNION_BRANCH',
        `The reader's union at path '${path || '/'}' has no branch that can read the writer's ${describeNode(writer)}`,
        path,
      );
      return;
    }
    this.checkPlain(reader, writer, path);
  }

  /** Checks without reporting: used to try union branches, where one failing is not an error. */
  private quietlyReads(reader: AvroNode, writer: AvroNode, path: string): boolean {
    const sink: Incompatibility[] = [];
    new Checker(sink).shareVisiting(this).check(reader, writer, path);
    return sink.length === 0;
  }

  private shareVisiting(other: Checker): this {
    for (const [reader, writers] of other.visiting) this.visiting.set(reader, new Set(writers));
    return this;
  }

  private checkPlain(
    reader: Exclude<AvroNode, { kind: 'union' }>,
    writer: Exclude<AvroNode, { kind: 'union' }>,
    path: string,
  ): void {
    if (reader.kind === 'primitive') {
      if (writer.kind !== 'primitive' || !READS_FROM[reader.type].includes(writer.type)) {
        this.mismatch(reader, writer, path);
      }
      return;
    }
    if (reader.kind !== writer.kind) {
      this.mismatch(reader, writer, path);
      return;
    }
    switch (reader.kind) {
      case 'array':
        this.check(reader.items, (writer as typeof reader).items, `${path}/items`);
        return;
      case 'map':
        this.check(reader.values, (writer as typeof reader).values, `${path}/values`);
        return;
      default:
        this.checkNamed(reader, writer as AvroNamed, path);
    }
  }

  private checkNamed(reader: AvroNamed, writer: AvroNamed, path: string): void {
    if (!namesMatch(reader, writer)) {
      this.report(
        'NAME_MISMATCH',
        `The name '${reader.fullName}' at path '${path || '/'}' in the reader does not match the writer's '${writer.fullName}' (list the writer's name in the reader type's aliases to rename)`,
        `${path}/name`,
      );
      return;
    }
    let writers = this.visiting.get(reader);
    if (writers?.has(writer)) return;
    if (writers === undefined) this.visiting.set(reader, (writers = new Set()));
    writers.add(writer);

    switch (reader.kind) {
      case 'fixed': {
        const size = (writer as typeof reader).size;
        if (reader.size !== size) {
          this.report(
            'FIXED_SIZE_MISMATCH',
            `The size of fixed '${reader.fullName}' at path '${path || '/'}' is ${reader.size} in the reader and ${size} in the writer`,
            `${path}/size`,
          );
        }
        return;
      }
      case 'enum': {
        const missing = (writer as typeof reader).symbols.filter(
          (symbol) => !reader.symbols.includes(symbol),
        );
        // An enum default (Avro 1.9) is what the reader takes for a symbol it does not know.
        if (missing.length > 0 && reader.default === undefined) {
          this.report(
            'MISSING_ENUM_SYMBOLS',
            `The reader's enum '${reader.fullName}' at path '${path || '/'}' lacks the writer's symbols [${missing.join(', ')}] and has no default`,
            `${path}/symbols`,
          );
        }
        return;
      }
      case 'record': {
        const writerRecord = writer as typeof reader;
        reader.fields.forEach((field, i) => {
          const fieldPath = `${path}/fields/${i}`;
          const source =
            writerRecord.fields.find((candidate) => candidate.name === field.name) ??
            writerRecord.fields.find((candidate) => field.aliases.includes(candidate.name));
          if (source === undefined) {
            if (!field.hasDefault) {
              this.report(
                'READER_FIELD_MISSING_DEFAULT_VALUE',
                `The field '${field.name}' at path '${fieldPath}' in the reader has no default value and is missing in the writer`,
                fieldPath,
              );
            }
            return;
          }
          this.check(field.type, source.type, `${fieldPath}/type`);
        });
        return;
      }
    }
  }

  private mismatch(reader: AvroNode, writer: AvroNode, path: string): void {
    this.report(
      'TYPE_MISMATCH',
      `The type at path '${path || '/'}' is ${describeNode(reader)} in the reader, which cannot read ${describeNode(writer)} from the writer`,
      path,
    );
  }

  private report(errorType: IncompatibilityType, description: string, path: string): void {
    this.found.push({ errorType, description, path: path === '' ? '/' : path });
  }
}

/**
 * Avro matches named types by unqualified name (as Avro's Java SchemaCompatibility does), or by
 * one of the reader's aliases naming the writer, fully qualified or not.
 */
function namesMatch(reader: AvroNamed, writer: AvroNamed): boolean {
  if (shortName(reader.fullName) === shortName(writer.fullName)) return true;
  return reader.aliases.some(
    (alias) => alias === writer.fullName || shortName(alias) === shortName(writer.fullName),
  );
}

/** Whether two non-union nodes are the same kind of thing (and, if named, the same name). */
function sameShape(reader: AvroNode, writer: AvroNode): boolean {
  if (reader.kind !== writer.kind) return false;
  if (reader.kind === 'record' || reader.kind === 'enum' || reader.kind === 'fixed') {
    return namesMatch(reader, writer as AvroNamed);
  }
  return (
    reader.kind !== 'primitive' || (writer.kind === 'primitive' && reader.type === writer.type)
  );
}
