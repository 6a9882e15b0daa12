/**
 * The state layer's errors, one class per stable code. Messages name the store, its path or the
 * offending argument, and say what to do.
 */
import { TouchstreamError } from '../errors/index.js';
import type { TouchstreamErrorOptions } from '../errors/index.js';

/** Another process (or another store object in this one) holds the database's lock. */
export class StoreLockedError extends TouchstreamError {
  constructor(path: string, options: TouchstreamErrorOptions = {}) {
    super(
      'TS_STATE_LOCKED',
      `state store at ${path} is locked by another instance; stop the other touchstream instance ` +
        '(or close the other store object) that owns this task, or give this instance its own stateDir',
      { retryable: true, ...options, details: { path, ...options.details } },
    );
  }
}

/** The database files are damaged; the changelog is the way back. */
export class StoreCorruptError extends TouchstreamError {
  constructor(path: string, options: TouchstreamErrorOptions = {}) {
    super(
      'TS_STATE_CORRUPT',
      `state store at ${path} is corrupt; delete the directory ${path} (or wipe the task's state) ` +
        'and let the task restore it from the changelog',
      { ...options, details: { path, ...options.details } },
    );
  }
}

export class StoreOpenFailedError extends TouchstreamError {
  constructor(path: string, reason: string, options: TouchstreamErrorOptions = {}) {
    super(
      'TS_STATE_OPEN_FAILED',
      `state store at ${path} failed to open (${reason}); check that the directory is writable and ` +
        'not a file, or delete it and let the task restore it from the changelog',
      { ...options, details: { path, ...options.details } },
    );
  }
}

export class StoreNotOpenError extends TouchstreamError {
  constructor(store: string, status: string, operation: string) {
    super(
      'TS_STATE_NOT_OPEN',
      `state store ${store} is ${status}, so ${operation} cannot run; open the store first and do not ` +
        'use it after close()',
      { details: { store, status, operation } },
    );
  }
}

export class InvalidKeyError extends TouchstreamError {
  constructor(store: string, key: unknown, why: string) {
    super(
      'TS_STATE_INVALID_KEY',
      `state store ${store}: key ${describe(key)} ${why}; keys must be well-formed strings ` +
        '(no lone UTF-16 surrogates)',
      { details: { store, key: typeof key === 'string' ? key : String(key) } },
    );
  }
}

export class InvalidStateArgumentError extends TouchstreamError {
  constructor(place: string, message: string, details: Record<string, unknown> = {}) {
    super('TS_STATE_INVALID_ARGUMENT', `${place}: ${message}`, { details: { place, ...details } });
  }
}

export class StoreWriteFailedError extends TouchstreamError {
  constructor(store: string, path: string, options: TouchstreamErrorOptions = {}) {
    super(
      'TS_STATE_WRITE_FAILED',
      `state store ${store} at ${path} failed to write a batch; the task's local state no longer ` +
        'matches its changelog: close the task, wipe its state and let it restore',
      { ...options, details: { store, path, ...options.details } },
    );
  }
}

export class StoreReadFailedError extends TouchstreamError {
  constructor(store: string, path: string, options: TouchstreamErrorOptions = {}) {
    super(
      'TS_STATE_READ_FAILED',
      `state store ${store} at ${path} failed to read; if this repeats, wipe the task's state and ` +
        'let it restore from the changelog',
      { ...options, details: { store, path, ...options.details } },
    );
  }
}

export class UnknownStoreError extends TouchstreamError {
  constructor(taskId: string, store: string, known: readonly string[]) {
    super(
      'TS_STATE_UNKNOWN_STORE',
      `task ${taskId} has no state store named ${JSON.stringify(store)} (it has: ${known.join(', ') || 'none'}); ` +
        'declare the store in the topology and connect it to the processor',
      { details: { taskId, store, known } },
    );
  }
}

export class CheckpointInvalidError extends TouchstreamError {
  constructor(path: string, why: string, options: TouchstreamErrorOptions = {}) {
    super(
      'TS_STATE_CHECKPOINT_INVALID',
      `checkpoint file ${path} ${why}; delete it (the task then restores its stores from the ` +
        'beginning of their changelogs)',
      { ...options, details: { path, ...options.details } },
    );
  }
}

export class TimeQueueNotLoadedError extends TouchstreamError {
  constructor(queue: string, upTo: number, watermark: number) {
    super(
      'TS_STATE_QUEUE_NOT_LOADED',
      `time queue ${queue}: entries due up to ${upTo} may lie past the loaded head (complete up to ` +
        `${watermark}); await load(${upTo}) whenever needsLoad(${upTo}) is true before popDue`,
      { details: { queue, upTo, watermark } },
    );
  }
}

function describe(key: unknown): string {
  if (typeof key !== 'string') return `of type ${key === null ? 'null' : typeof key}`;
  return JSON.stringify(key.length > 80 ? key.slice(0, 80) + '…' : key);
}

export class StoreSerdeError extends TouchstreamError {
  constructor(store: string, key: string, direction: 'serialize' | 'deserialize', cause: unknown) {
    super(
      'TS_STATE_SERDE_FAILED',
      `state store ${store}: could not ${direction} the value of key ${JSON.stringify(key)}; fix the ` +
        "store's value serde (or the value written), then wipe the task's state if bad bytes were stored",
      { cause, details: { store, key, direction } },
    );
  }
}

export class StoreReadOnlyError extends TouchstreamError {
  constructor(store: string, operation: string, key: string) {
    super(
      'TS_STATE_READ_ONLY',
      `state store ${store} is read-only here, so ${operation}(${JSON.stringify(key)}) is refused; ` +
        'write to the topic behind it, or use a store the processor owns',
      { details: { store, operation, key } },
    );
  }
}
