/**
 * Errors of the embedded Schema Registry. `src/embedded/` stands alone (it imports nothing from
 * the engine), so it has its own base class; codes follow the project's `TS_REGISTRY_*` scheme.
 *
 * Errors a client can cause carry the Confluent `error_code` and HTTP status they are answered
 * with, so the route layer only has to copy them into `{"error_code", "message"}`.
 */
export type SchemaRegistryErrorCode =
  | 'TS_REGISTRY_SUBJECT_NOT_FOUND'
  | 'TS_REGISTRY_VERSION_NOT_FOUND'
  | 'TS_REGISTRY_SCHEMA_NOT_FOUND'
  | 'TS_REGISTRY_SUBJECT_SOFT_DELETED'
  | 'TS_REGISTRY_SUBJECT_NOT_SOFT_DELETED'
  | 'TS_REGISTRY_SUBJECT_CONFIG_NOT_FOUND'
  | 'TS_REGISTRY_INCOMPATIBLE_SCHEMA'
  | 'TS_REGISTRY_INVALID_SCHEMA'
  | 'TS_REGISTRY_INVALID_VERSION'
  | 'TS_REGISTRY_INVALID_COMPATIBILITY_LEVEL'
  | 'TS_REGISTRY_INVALID_REQUEST'
  | 'TS_REGISTRY_STORE_FAILED';

/** The Confluent error code and HTTP status each code is answered with. */
const WIRE: Record<SchemaRegistryErrorCode, { errorCode: number; status: number }> = {
  TS_REGISTRY_SUBJECT_NOT_FOUND: { errorCode: 40401, status: 404 },
  TS_REGISTRY_VERSION_NOT_FOUND: { errorCode: 40402, status: 404 },
  TS_REGISTRY_SCHEMA_NOT_FOUND: { errorCode: 40403, status: 404 },
  TS_REGISTRY_SUBJECT_SOFT_DELETED: { errorCode: 40404, status: 404 },
  TS_REGISTRY_SUBJECT_NOT_SOFT_DELETED: { errorCode: 40405, status: 404 },
  TS_REGISTRY_SUBJECT_CONFIG_NOT_FOUND: { errorCode: 40408, status: 404 },
  TS_REGISTRY_INCOMPATIBLE_SCHEMA: { errorCode: 409, status: 409 },
  TS_REGISTRY_INVALID_SCHEMA: { errorCode: 42201, status: 422 },
  TS_REGISTRY_INVALID_VERSION: { errorCode: 42202, status: 422 },
  TS_REGISTRY_INVALID_COMPATIBILITY_LEVEL: { errorCode: 42203, status: 422 },
  TS_REGISTRY_INVALID_REQUEST: { errorCode: 422, status: 422 },
  TS_REGISTRY_STORE_FAILED: { errorCode: 50001, status: 500 },
};

export interface SchemaRegistryErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class SchemaRegistryError extends Error {
  readonly code: SchemaRegistryErrorCode;
  readonly details: Record<string, unknown>;
  /** The Confluent `error_code` (40401, 409, 42201, ...). */
  readonly errorCode: number;
  /** The HTTP status the REST API answers with. */
  readonly statusCode: number;

  constructor(
    code: SchemaRegistryErrorCode,
    message: string,
    options: SchemaRegistryErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
    this.errorCode = WIRE[code].errorCode;
    this.statusCode = WIRE[code].status;
  }
}

export function subjectNotFound(subject: string): SchemaRegistryError {
  return new SchemaRegistryError(
    'TS_REGISTRY_SUBJECT_NOT_FOUND',
    `Subject '${subject}' not found.`,
    {
      details: { subject },
    },
  );
}

export function versionNotFound(subject: string, version: number | string): SchemaRegistryError {
  return new SchemaRegistryError(
    'TS_REGISTRY_VERSION_NOT_FOUND',
    `Version ${version} not found. (subject '${subject}'; list its versions with GET /subjects/${subject}/versions)`,
    { details: { subject, version } },
  );
}

export function schemaNotFound(what: string): SchemaRegistryError {
  return new SchemaRegistryError('TS_REGISTRY_SCHEMA_NOT_FOUND', `Schema ${what} not found.`, {
    details: { schema: what },
  });
}

export function invalidVersion(subject: string, version: string): SchemaRegistryError {
  return new SchemaRegistryError(
    'TS_REGISTRY_INVALID_VERSION',
    `The specified version '${version}' is not a valid version id for subject '${subject}'. Allowed values are between [1, 2^31-1], -1 and the string "latest"`,
    { details: { subject, version } },
  );
}

export function invalidRequest(message: string): SchemaRegistryError {
  return new SchemaRegistryError('TS_REGISTRY_INVALID_REQUEST', message);
}
