/**
 * The record-at-a-time operators of the DSL. Each forwards synchronously to its children; none
 * keeps state, so none needs a store or a timer.
 */
import type { Processor, ProcessorContext, StreamRecord } from './types.js';

export interface KeyValue<K, V> {
  key: K;
  value: V;
}

export type Predicate<K, V> = (key: K, value: V) => boolean;
export type KeyValueMapper<K, V, KR, VR> = (key: K, value: V) => KeyValue<KR, VR>;
export type FlatKeyValueMapper<K, V, KR, VR> = (key: K, value: V) => Iterable<KeyValue<KR, VR>>;

export class FilterProcessor<K, V> implements Processor<K, V, K, V> {
  private context!: ProcessorContext<K, V>;
  constructor(
    private readonly predicate: Predicate<K, V>,
    private readonly keepWhen: boolean,
  ) {}
  init(context: ProcessorContext<K, V>): void {
    this.context = context;
  }
  process(record: StreamRecord<K, V>): void {
    if (this.predicate(record.key, record.value) === this.keepWhen) this.context.forward(record);
  }
}

/** map, mapValues and selectKey: one record in, one record out, timestamp and headers kept. */
export class MapProcessor<K, V, KR, VR> implements Processor<K, V, KR, VR> {
  private context!: ProcessorContext<KR, VR>;
  constructor(private readonly mapper: KeyValueMapper<K, V, KR, VR>) {}
  init(context: ProcessorContext<KR, VR>): void {
    this.context = context;
  }
  process(record: StreamRecord<K, V>): void {
    const mapped = this.mapper(record.key, record.value);
    this.context.forward({
      key: mapped.key,
      value: mapped.value,
      timestamp: record.timestamp,
      headers: record.headers,
    });
  }
}

export class FlatMapProcessor<K, V, KR, VR> implements Processor<K, V, KR, VR> {
  private context!: ProcessorContext<KR, VR>;
  constructor(private readonly mapper: FlatKeyValueMapper<K, V, KR, VR>) {}
  init(context: ProcessorContext<KR, VR>): void {
    this.context = context;
  }
  process(record: StreamRecord<K, V>): void {
    for (const mapped of this.mapper(record.key, record.value)) {
      this.context.forward({
        key: mapped.key,
        value: mapped.value,
        timestamp: record.timestamp,
        headers: record.headers,
      });
    }
  }
}

/** Sends each record to the child of the first predicate it satisfies; others are dropped. */
export class BranchProcessor<K, V> implements Processor<K, V, K, V> {
  private context!: ProcessorContext<K, V>;
  constructor(
    private readonly predicates: readonly Predicate<K, V>[],
    private readonly childNames: readonly string[],
  ) {}
  init(context: ProcessorContext<K, V>): void {
    this.context = context;
  }
  process(record: StreamRecord<K, V>): void {
    for (let i = 0; i < this.predicates.length; i += 1) {
      if (this.predicates[i](record.key, record.value)) {
        this.context.forward(record, this.childNames[i]);
        return;
      }
    }
  }
}

export class PeekProcessor<K, V> implements Processor<K, V, K, V> {
  private context!: ProcessorContext<K, V>;
  constructor(private readonly action: (key: K, value: V) => void) {}
  init(context: ProcessorContext<K, V>): void {
    this.context = context;
  }
  process(record: StreamRecord<K, V>): void {
    this.action(record.key, record.value);
    this.context.forward(record);
  }
}

/** Forwards everything unchanged: the meeting point of merged streams and of sources. */
export class PassThroughProcessor<K, V> implements Processor<K, V, K, V> {
  private context!: ProcessorContext<K, V>;
  init(context: ProcessorContext<K, V>): void {
    this.context = context;
  }
  process(record: StreamRecord<K, V>): void {
    this.context.forward(record);
  }
}
