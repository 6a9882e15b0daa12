import { TouchstreamError } from '../errors.js';
import type { TouchstreamErrorOptions } from '../errors.js';

/** Bytes that do not decode: wrong wire format, corrupt body, invalid UTF-8 or JSON. */
export class DecodeFailedError extends TouchstreamError {
  constructor(message: string, options: TouchstreamErrorOptions = {}) {
    super('TS_IO_DECODE_FAILED', message, options);
  }
}

/** A value its schema or format cannot encode. */
export class EncodeFailedError extends TouchstreamError {
  constructor(message: string, options: TouchstreamErrorOptions = {}) {
    super('TS_IO_ENCODE_FAILED', message, options);
  }
}

/**
 * A record names a schema id this process has not fetched yet. Retryable: fetch it with
 * `AvroSerdes.resolveUnknownIds(batch)` and decode again.
 */
export class UnknownSchemaIdError extends TouchstreamError {
  constructor(message: string, options: TouchstreamErrorOptions = {}) {
    super('TS_IO_UNKNOWN_SCHEMA_ID', message, { retryable: true, ...options });
  }
}

/** A `.avsc` file that cannot be read or is not a valid named Avro record. */
export class SchemaLoadError extends TouchstreamError {
  constructor(message: string, options: TouchstreamErrorOptions = {}) {
    super('TS_IO_SCHEMA_LOAD_FAILED', message, options);
  }
}

/** The Schema Registry refused or could not be asked to register a schema. */
export class SchemaRegistrationError extends TouchstreamError {
  constructor(message: string, options: TouchstreamErrorOptions = {}) {
    super('TS_IO_SCHEMA_REGISTRATION_FAILED', message, options);
  }
}

/** The Schema Registry could not be reached while fetching schemas by id. */
export class SchemaFetchError extends TouchstreamError {
  constructor(message: string, options: TouchstreamErrorOptions = {}) {
    super('TS_IO_SCHEMA_FETCH_FAILED', message, { retryable: true, ...options });
  }
}

/** An Avro serde was asked for before `prepare()` finished, or for a subject it never registered. */
export class UnknownSubjectError extends TouchstreamError {
  constructor(message: string, options: TouchstreamErrorOptions = {}) {
    super('TS_IO_UNKNOWN_SUBJECT', message, options);
  }
}
