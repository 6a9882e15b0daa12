/**
 * Operators that keep state in a named store of the task: aggregations and tables, and the
 * stream-table join that reads a table.
 */
import type { KeyValueStore } from '../state/index.js';
import { OperatorError } from './errors.js';
import type { Processor, ProcessorContext, StreamRecord } from './types.js';

export type Initializer<A> = () => A;
export type Aggregator<K, V, A> = (key: K, value: V, aggregate: A) => A;
export type ValueJoiner<V, T, R> = (value: V, tableValue: T | undefined) => R;

function requireStringKey(key: unknown, operator: string): string {
  if (typeof key !== 'string') {
    throw new OperatorError(
      'TS_OPERATOR_KEY_NOT_STRING',
      `${operator} needs string keys (stores are keyed by strings), got ${key === null ? 'null' : typeof key}; ` +
        'use selectKey to give the records a string key first',
    );
  }
  return key;
}

/** aggregate, reduce and count: read the key's aggregate, fold the value in, write and forward it. */
export class AggregateProcessor<V, A> implements Processor<string, V, string, A> {
  private context!: ProcessorContext<string, A>;
  private store!: KeyValueStore<A>;
  constructor(
    private readonly storeName: string,
    private readonly initializer: Initializer<A>,
    private readonly aggregator: Aggregator<string, V, A>,
  ) {}
  init(context: ProcessorContext<string, A>): void {
    this.context = context;
    this.store = context.getStore<A>(this.storeName);
  }
  process(record: StreamRecord<string, V>): void {
    // Kafka Streams' convention: records without a key or value do not count.
    if (
      record.key === null ||
      record.key === undefined ||
      record.value === null ||
      record.value === undefined
    ) {
      return;
    }
    const key = requireStringKey(record.key, 'aggregate');
    const current = this.store.get(key);
    const next = this.aggregator(
      key,
      record.value,
      current === undefined ? this.initializer() : current,
    );
    this.store.put(key, next);
    this.context.forward({
      key,
      value: next,
      timestamp: record.timestamp,
      headers: record.headers,
    });
  }
}

/** toTable and table(): the latest value per key, a null value deleting the key. */
export class TableMaterializer<V> implements Processor<string, V | null, string, V | null> {
  private context!: ProcessorContext<string, V | null>;
  private store!: KeyValueStore<V>;
  constructor(private readonly storeName: string) {}
  init(context: ProcessorContext<string, V | null>): void {
    this.context = context;
    this.store = context.getStore<V>(this.storeName);
  }
  process(record: StreamRecord<string, V | null>): void {
    const key = requireStringKey(record.key, 'toTable');
    if (record.value === null || record.value === undefined) this.store.delete(key);
    else this.store.put(key, record.value);
    this.context.forward(record);
  }
}

/** Joins each stream record with the table's current value for its key (inner or left). */
export class StreamTableJoinProcessor<V, T, R> implements Processor<string, V, string, R> {
  private context!: ProcessorContext<string, R>;
  private store!: KeyValueStore<T>;
  constructor(
    private readonly storeName: string,
    private readonly joiner: ValueJoiner<V, T, R>,
    private readonly leftJoin: boolean,
  ) {}
  init(context: ProcessorContext<string, R>): void {
    this.context = context;
    this.store = context.getStore<T>(this.storeName);
  }
  process(record: StreamRecord<string, V>): void {
    if (record.key === null || record.key === undefined) return;
    const tableValue = this.store.get(requireStringKey(record.key, 'join'));
    if (tableValue === undefined && !this.leftJoin) return;
    this.context.forward({
      key: record.key,
      value: this.joiner(record.value, tableValue),
      timestamp: record.timestamp,
      headers: record.headers,
    });
  }
}
