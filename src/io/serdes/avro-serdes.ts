import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import type { LoadedAvroSchema } from './avro-schema-loader.js';
import {
  DecodeFailedError,
  EncodeFailedError,
  SchemaFetchError,
  SchemaRegistrationError,
  UnknownSchemaIdError,
  UnknownSubjectError,
} from './errors.js';
import type { Serde } from './serde.js';

type Resolver = ReturnType<avro.Type['createResolver']>;

/*
 * Confluent wire format, one record:
 *
 *   magic    int8     0
 *   schemaId int32    big-endian, the registry's global id of the writer schema
 *   body     bytes    Avro binary encoding, no container header, to the end of the record
 */
const MAGIC = 0;
const HEADER_BYTES = 5;
const INITIAL_SCRATCH_BYTES = 64 * 1024;

export interface AvroSerdesOptions {
  /** A @kafkajs/confluent-schema-registry client. */
  registry: SchemaRegistry;
  /** The schemas to register and write with (see `loadAvroSchemas`). */
  schemas: readonly LoadedAvroSchema[];
  /**
   * The subject a record is registered under. Default: the record's full name (Confluent's
   * RecordNameStrategy), because one topic carries several record types (the policy topic, the
   * profile topic with tag events) and one record type may travel on several topics.
   */
  subjectOf?: (fullName: string) => string;
}

interface Writer {
  subject: string;
  id: number;
  type: avro.Type;
}

/** How to decode one schema id: with which type, through which resolver, or why not at all. */
interface Reader {
  /** The record name (and subject, when it differs), for messages. */
  name: string;
  type: avro.Type | undefined;
  resolver: Resolver | undefined;
  failure: string | undefined;
}

/**
 * Avro serdes backed by the Schema Registry, synchronous after one asynchronous `prepare()`.
 *
 * `prepare()` registers every schema and keeps the avsc type and id of each subject; from then
 * on `serializer(subject)` and `deserialize(bytes)` never wait. A record written with a schema id
 * this process has not seen (another producer's newer or older version) makes `deserialize` throw
 * a retryable `TS_IO_UNKNOWN_SCHEMA_ID`; the way to avoid that is one call per batch:
 *
 *   if (serdes.hasUnknownIds(values)) await serdes.resolveUnknownIds(values);
 *   for (const value of values) records.push(serdes.deserialize(value));
 *
 * Records are decoded into the local schema of the same record name (Avro schema resolution:
 * added fields get their defaults, promoted types are widened), so the engine always sees the
 * shape of the schemas it ships with. A record with no local schema decodes as it was written.
 *
 * Values come back as avsc builds them: records are instances of a generated class, maps and
 * unions are plain values, `long` is a JS number and timestamp-millis fields stay epoch numbers.
 */
export class AvroSerdes {
  private readonly registry: SchemaRegistry;
  private readonly schemas: readonly LoadedAvroSchema[];
  private readonly subjectOf: (fullName: string) => string;
  private readonly writers = new Map<string, Writer>();
  private readonly localByName = new Map<string, avro.Type>();
  private readonly readers = new Map<number, Reader>();
  /** One buffer every serialize encodes into, so a record costs one allocation (its own bytes). */
  private scratch = Buffer.allocUnsafe(INITIAL_SCRATCH_BYTES);

  constructor(options: AvroSerdesOptions) {
    this.registry = options.registry;
    this.schemas = options.schemas;
    this.subjectOf = options.subjectOf ?? ((fullName) => fullName);
    for (const schema of options.schemas) this.localByName.set(schema.fullName, schema.type);
  }

  /** Registers every schema (BACKWARD-compatible evolution is enforced by the registry). Idempotent. */
  async prepare(): Promise<void> {
    const pending = this.schemas.filter(
      (schema) => !this.writers.has(this.subjectOf(schema.fullName)),
    );
    const results = await Promise.allSettled(pending.map((schema) => this.registerOne(schema)));
    const failed = results.find(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    if (failed !== undefined) throw failed.reason;
  }

  private async registerOne(schema: LoadedAvroSchema): Promise<void> {
    const subject = this.subjectOf(schema.fullName);
    let id: number;
    try {
      ({ id } = await this.registry.register(
        { type: SchemaType.AVRO, schema: schema.text },
        { subject },
      ));
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      throw new SchemaRegistrationError(
        `registering ${schema.file} under subject '${subject}' failed: ${(error as Error).message}` +
          (status === 409
            ? '; the change is not backward compatible with the registered version (add defaults, do not remove enum symbols)'
            : ''),
        {
          cause: error,
          retryable: typeof status !== 'number' || status >= 500,
          details: { subject, path: schema.file, status },
        },
      );
    }
    this.writers.set(subject, { subject, id, type: schema.type });
    this.readers.set(id, {
      name: subject === schema.fullName ? subject : `${schema.fullName} in subject '${subject}'`,
      type: schema.type,
      resolver: undefined,
      failure: undefined,
    });
  }

  /** The subjects registered so far, in schema order. */
  subjects(): string[] {
    // Registrations finish in any order, so the order comes from the schemas, not from `writers`.
    const subjects = new Set<string>();
    for (const schema of this.schemas) {
      const subject = this.subjectOf(schema.fullName);
      if (this.writers.has(subject)) subjects.add(subject);
    }
    return [...subjects];
  }

  /** The registry id the subject's records are written with. */
  idOf(subject: string): number {
    return this.writer(subject).id;
  }

  /** A synchronous encoder for one subject's record. */
  serializer<T>(subject: string): (value: T) => Buffer {
    const writer = this.writer(subject);
    return (value: T) => this.encode(writer, value);
  }

  /** Serialize with the subject's schema, deserialize any known schema id. */
  serde<T>(subject: string): Serde<T> {
    return {
      serialize: this.serializer<T>(subject),
      deserialize: (bytes: Uint8Array) => this.deserialize<T>(bytes),
    };
  }

  /** Decodes one record in Confluent wire format; throws `TS_IO_DECODE_FAILED` or a retryable `TS_IO_UNKNOWN_SCHEMA_ID`. */
  deserialize<T = unknown>(bytes: Uint8Array): T {
    const buffer = asBuffer(bytes);
    if (buffer.length < HEADER_BYTES || buffer[0] !== MAGIC) {
      throw new DecodeFailedError(
        `Avro record is not in Confluent wire format: ${buffer.length < HEADER_BYTES ? `only ${buffer.length} bytes` : `magic byte ${buffer[0]}, expected 0`}; was it written by an Avro serializer?`,
        { details: { length: buffer.length } },
      );
    }
    const id = buffer.readInt32BE(1);
    const reader = this.readers.get(id);
    if (reader === undefined) {
      throw new UnknownSchemaIdError(
        `Avro record names schema id ${id}, not fetched yet; call resolveUnknownIds(batch) before decoding`,
        {
          details: { schemaId: id },
        },
      );
    }
    if (reader.type === undefined) {
      throw new DecodeFailedError(
        `Avro record with schema id ${id} cannot be decoded: ${reader.failure}`,
        {
          details: { schemaId: id, schema: reader.name },
        },
      );
    }
    let decoded: { value: unknown; offset: number };
    try {
      decoded = reader.type.decode(buffer, HEADER_BYTES, reader.resolver);
    } catch (error) {
      throw this.decodeFailed(id, reader, `${(error as Error).message}`, buffer.length, error);
    }
    if (decoded.offset !== buffer.length) {
      const problem =
        decoded.offset < 0
          ? 'the body is truncated'
          : `${buffer.length - decoded.offset} bytes follow the record`;
      throw this.decodeFailed(id, reader, problem, buffer.length);
    }
    return decoded.value as T;
  }

  /** Whether any record of the batch names a schema id that must be fetched before decoding. */
  hasUnknownIds(batch: readonly (Uint8Array | null | undefined)[]): boolean {
    for (const bytes of batch) {
      const id = schemaIdOf(bytes);
      if (id !== undefined && !this.readers.has(id)) return true;
    }
    return false;
  }

  /**
   * Fetches every schema id of the batch not seen yet (one request per distinct id) and prepares
   * its decoder, so the whole batch then decodes synchronously. An id the registry does not have,
   * or whose record the local schema cannot read, is remembered as a failure and its records throw
   * `TS_IO_DECODE_FAILED` (dead-letter material); only an unreachable registry makes this throw.
   */
  async resolveUnknownIds(batch: readonly (Uint8Array | null | undefined)[]): Promise<number[]> {
    const unknown = new Set<number>();
    for (const bytes of batch) {
      const id = schemaIdOf(bytes);
      if (id !== undefined && !this.readers.has(id)) unknown.add(id);
    }
    const ids = [...unknown];
    const results = await Promise.allSettled(ids.map((id) => this.fetchReader(id)));
    const failed = results.find(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    if (failed !== undefined) throw failed.reason;
    return ids;
  }

  private async fetchReader(id: number): Promise<void> {
    let writer: unknown;
    try {
      writer = await this.registry.getSchema(id);
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status === 404) {
        this.readers.set(id, {
          name: `#${id}`,
          type: undefined,
          resolver: undefined,
          failure: 'the Schema Registry has no schema with that id',
        });
        return;
      }
      throw new SchemaFetchError(
        `fetching schema id ${id} from the Schema Registry failed: ${(error as Error).message}`,
        {
          cause: error,
          details: { schemaId: id, status },
        },
      );
    }
    this.readers.set(id, this.readerFor(id, writer));
  }

  private readerFor(id: number, writer: unknown): Reader {
    if (!(writer instanceof avro.Type)) {
      return {
        name: `#${id}`,
        type: undefined,
        resolver: undefined,
        failure: 'it is not an Avro schema',
      };
    }
    const name = writer.name ?? `#${id}`;
    const local = writer.name === undefined ? undefined : this.localByName.get(writer.name);
    if (local === undefined) return { name, type: writer, resolver: undefined, failure: undefined };
    if (local.equals(writer)) return { name, type: local, resolver: undefined, failure: undefined };
    try {
      return { name, type: local, resolver: local.createResolver(writer), failure: undefined };
    } catch (error) {
      return {
        name,
        type: undefined,
        resolver: undefined,
        failure: `the local schema ${name} cannot read it (${(error as Error).message})`,
      };
    }
  }

  private writer(subject: string): Writer {
    const writer = this.writers.get(subject);
    if (writer === undefined) {
      throw new UnknownSubjectError(
        this.writers.size === 0
          ? `Avro subject '${subject}' asked for before AvroSerdes.prepare() finished`
          : `Avro subject '${subject}' is not one of the registered subjects (${this.subjects().join(', ')})`,
        { details: { subject } },
      );
    }
    return writer;
  }

  private encode(writer: Writer, value: unknown): Buffer {
    let end: number;
    try {
      end = writer.type.encode(value, this.scratch, HEADER_BYTES);
      // A negative end is the number of bytes missing: grow and encode again.
      while (end < 0) {
        this.scratch = Buffer.allocUnsafe(2 * (this.scratch.length - end));
        end = writer.type.encode(value, this.scratch, HEADER_BYTES);
      }
    } catch (error) {
      const paths: string[] = [];
      writer.type.isValid(value, {
        errorHook: (path) => paths.push(path.join('.') || '(the record itself)'),
      });
      throw new EncodeFailedError(
        `Avro subject '${writer.subject}' (schema id ${writer.id}) cannot encode the value: ${paths.length > 0 ? `invalid ${paths.join(', ')}` : (error as Error).message}`,
        { cause: error, details: { subject: writer.subject, schemaId: writer.id, fields: paths } },
      );
    }
    this.scratch[0] = MAGIC;
    this.scratch.writeInt32BE(writer.id, 1);
    const out = Buffer.allocUnsafe(end);
    this.scratch.copy(out, 0, 0, end);
    return out;
  }

  private decodeFailed(
    id: number,
    reader: Reader,
    problem: string,
    length: number,
    cause?: unknown,
  ): DecodeFailedError {
    return new DecodeFailedError(
      `Avro record with schema id ${id} (${reader.name}) does not decode: ${problem}`,
      {
        cause,
        details: { schemaId: id, schema: reader.name, length },
      },
    );
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The schema id a record names, or undefined for a tombstone or bytes not in the wire format. */
function schemaIdOf(bytes: Uint8Array | null | undefined): number | undefined {
  if (bytes == null || bytes.byteLength < HEADER_BYTES || bytes[0] !== MAGIC) return undefined;
  // Signed, as readInt32BE reads it in deserialize, so both agree on every id.
  return (bytes[1] << 24) | (bytes[2] << 16) | (bytes[3] << 8) | bytes[4];
}
