import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Bytes,
  ChangelogRecord,
  Entry,
  Serde,
  StoreContext,
} from '../../../src/state/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const bytes = (text: string): Bytes => encoder.encode(text);
export const text = (value: Bytes | undefined): string | undefined =>
  value === undefined ? undefined : decoder.decode(value);

export async function collect<V>(iterator: AsyncIterable<Entry<V>>): Promise<Entry<V>[]> {
  const out: Entry<V>[] = [];
  for await (const entry of iterator) out.push(entry);
  return out;
}

export async function keysOf<V>(iterator: AsyncIterable<Entry<V>>): Promise<string[]> {
  return (await collect(iterator)).map((entry) => entry.key);
}

/** UTF-8 byte order, computed the slow and obvious way. */
export function utf8Sort(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

/** A StoreContext whose clocks the test sets and whose changelog is an array. */
export interface TestContext extends StoreContext {
  stream: number;
  wall: number;
  readonly records: ChangelogRecord[];
}

export function testContext(taskId = '0_0'): TestContext {
  const records: ChangelogRecord[] = [];
  const context: TestContext = {
    taskId,
    stream: 0,
    wall: 0,
    records,
    streamTime: () => context.stream,
    wallClockTime: () => context.wall,
    changelog: { append: (record) => records.push(record) },
  };
  return context;
}

export const jsonSerde = <T>(): Serde<T> => ({
  serialize: (value) => encoder.encode(JSON.stringify(value)),
  deserialize: (data) => JSON.parse(decoder.decode(data)) as T,
});

/** A serde that counts its calls, for tests of how often the cache serializes. */
export function countingSerde<T>(): Serde<T> & { serialized: number; deserialized: number } {
  const inner = jsonSerde<T>();
  const serde = {
    serialized: 0,
    deserialized: 0,
    serialize(value: T): Bytes {
      serde.serialized++;
      return inner.serialize(value);
    },
    deserialize(data: Bytes): T {
      serde.deserialized++;
      return inner.deserialize(data);
    },
  };
  return serde;
}

export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

export async function tempDir(label: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `touchstream-${label}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export function assertCode(code: string): (error: unknown) => boolean {
  return (error: unknown) => {
    if ((error as { code?: unknown }).code !== code) {
      throw new Error(
        `expected error code ${code}, got ${String((error as { code?: unknown }).code)}: ${String(error)}`,
      );
    }
    return true;
  };
}
