/**
 * The DSL, in the spirit of Kafka Streams' StreamsBuilder: streams, tables and global tables over
 * topics, composed into a Topology.
 */
import {
  AggregateProcessor,
  BranchProcessor,
  FilterProcessor,
  FlatMapProcessor,
  MapProcessor,
  PassThroughProcessor,
  PeekProcessor,
  StreamTableJoinProcessor,
  TableMaterializer,
} from '../operators/index.js';
import type {
  Aggregator,
  FlatKeyValueMapper,
  Initializer,
  KeyValue,
  KeyValueMapper,
  Predicate,
  ProcessorSupplier,
  ValueJoiner,
} from '../operators/index.js';
import type { Serde, StoreBackend, StoreSpec } from '../state/index.js';
import { GraphBuilder } from './graph-builder.js';
import type { Partitioner, SourceDelivery, TimestampExtractor } from './nodes.js';
import { float64Serde, jsonSerde, stringSerde } from './serdes.js';
import { Topology } from './topology.js';

export interface Consumed<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  name?: string;
  /** `broadcast`: every record reaches every task (default `partitioned`). */
  delivery?: SourceDelivery;
  /** Event time from the decoded record (default: the Kafka record timestamp). */
  timestampExtractor?: (key: K, value: V, recordTimestamp: number) => number;
}

export interface Produced<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  name?: string;
  partitioner?: Partitioner;
}

export interface Materialized<V> {
  storeName: string;
  valueSerde?: Serde<V>;
  backend?: StoreBackend;
  ttl?: StoreSpec['ttl'];
  changelog?: boolean;
  cacheMaxEntries?: number;
}

export interface Named {
  name?: string;
}

export interface StreamsBuilderOptions {
  /** Backend of stores that do not name one (default leveldb). */
  defaultBackend?: StoreBackend;
}

/** What flows between DSL handles: the node to hang the next operator on, and what is known of it. */
interface StreamState {
  node: string;
  keySerde: Serde<unknown>;
  valueSerde: Serde<unknown>;
  /** The key was changed since the source: a stateful operator must repartition first. */
  repartitionRequired: boolean;
}

export class StreamsBuilder {
  /** @internal */
  readonly graph = new GraphBuilder();
  private readonly defaultBackend: StoreBackend;

  constructor(options: StreamsBuilderOptions = {}) {
    this.defaultBackend = options.defaultBackend ?? 'leveldb';
  }

  stream<K = string, V = unknown>(
    topics: string | string[],
    consumed: Consumed<K, V> = {},
  ): KStream<K, V> {
    const name = consumed.name ?? this.graph.nextName('KSTREAM-SOURCE');
    const keySerde = (consumed.keySerde ?? stringSerde) as Serde<unknown>;
    const valueSerde = (consumed.valueSerde ?? jsonSerde) as Serde<unknown>;
    this.graph.addSource(
      name,
      Array.isArray(topics) ? topics : [topics],
      keySerde,
      valueSerde,
      consumed.delivery ?? 'partitioned',
      false,
      consumed.timestampExtractor as TimestampExtractor | undefined,
    );
    return new KStream(this, { node: name, keySerde, valueSerde, repartitionRequired: false });
  }

  /** A table over a topic: the latest value per key, materialized in the named store. */
  table<V = unknown>(
    topic: string,
    materialized: Materialized<V>,
    consumed: Consumed<string, V> = {},
  ): KTable<V> {
    const stream = this.stream<string, V | null>(topic, consumed as Consumed<string, V | null>);
    return stream.toTable(materialized as Materialized<V | null>) as KTable<V>;
  }

  /** A topic replicated whole to every instance, readable by every task (rules travel this way). */
  globalTable<V = unknown>(
    topic: string,
    options: { storeName: string; valueSerde?: Serde<V>; keySerde?: Serde<string> },
  ): GlobalKTable<V> {
    this.graph.addGlobalTable({
      name: options.storeName,
      topic,
      storeName: options.storeName,
      keySerde: (options.keySerde ?? stringSerde) as Serde<unknown>,
      valueSerde: (options.valueSerde ?? jsonSerde) as Serde<unknown>,
    });
    return new GlobalKTable<V>(options.storeName, topic);
  }

  /** Declares a store for the processor API (`process(supplier, [storeName])`). */
  addStore<V>(spec: Omit<StoreSpec<V>, 'backend'> & { backend?: StoreBackend }): this {
    this.graph.addStore({ ...spec, backend: spec.backend ?? this.defaultBackend } as StoreSpec);
    return this;
  }

  build(): Topology {
    return new Topology(this.graph.build());
  }

  /** @internal */
  materialize<V>(materialized: Materialized<V>, defaultSerde: Serde<unknown>): string {
    if (!this.graph.hasStore(materialized.storeName)) {
      this.graph.addStore({
        name: materialized.storeName,
        backend: materialized.backend ?? this.defaultBackend,
        valueSerde: (materialized.valueSerde ?? defaultSerde) as Serde<unknown>,
        changelog: materialized.changelog,
        ttl: materialized.ttl,
        cacheMaxEntries: materialized.cacheMaxEntries,
      });
    }
    return materialized.storeName;
  }
}

export class KStream<K, V> {
  constructor(
    private readonly builder: StreamsBuilder,
    /** @internal */
    readonly state: StreamState,
  ) {}

  filter(predicate: Predicate<K, V>, named: Named = {}): KStream<K, V> {
    return this.then('KSTREAM-FILTER', named, () => new FilterProcessor(predicate, true), {});
  }

  filterNot(predicate: Predicate<K, V>, named: Named = {}): KStream<K, V> {
    return this.then('KSTREAM-FILTER', named, () => new FilterProcessor(predicate, false), {});
  }

  map<KR, VR>(mapper: KeyValueMapper<K, V, KR, VR>, named: Named = {}): KStream<KR, VR> {
    return this.then('KSTREAM-MAP', named, () => new MapProcessor(mapper), {
      keyChanged: true,
      valueChanged: true,
    });
  }

  mapValues<VR>(mapper: (value: V, key: K) => VR, named: Named = {}): KStream<K, VR> {
    const asRecord: KeyValueMapper<K, V, K, VR> = (key, value) => ({
      key,
      value: mapper(value, key),
    });
    return this.then('KSTREAM-MAPVALUES', named, () => new MapProcessor(asRecord), {
      valueChanged: true,
    });
  }

  selectKey<KR>(selector: (key: K, value: V) => KR, named: Named = {}): KStream<KR, V> {
    const asRecord: KeyValueMapper<K, V, KR, V> = (key, value) => ({
      key: selector(key, value),
      value,
    });
    return this.then('KSTREAM-KEY-SELECT', named, () => new MapProcessor(asRecord), {
      keyChanged: true,
    });
  }

  flatMap<KR, VR>(mapper: FlatKeyValueMapper<K, V, KR, VR>, named: Named = {}): KStream<KR, VR> {
    return this.then('KSTREAM-FLATMAP', named, () => new FlatMapProcessor(mapper), {
      keyChanged: true,
      valueChanged: true,
    });
  }

  flatMapValues<VR>(mapper: (value: V, key: K) => Iterable<VR>, named: Named = {}): KStream<K, VR> {
    const asRecords: FlatKeyValueMapper<K, V, K, VR> = function* (key, value) {
      for (const mapped of mapper(value, key)) yield { key, value: mapped } as KeyValue<K, VR>;
    };
    return this.then('KSTREAM-FLATMAPVALUES', named, () => new FlatMapProcessor(asRecords), {
      valueChanged: true,
    });
  }

  peek(action: (key: K, value: V) => void, named: Named = {}): KStream<K, V> {
    return this.then('KSTREAM-PEEK', named, () => new PeekProcessor(action), {});
  }

  /** One stream per predicate; a record goes to the first it satisfies, or nowhere. */
  branch(...predicates: Predicate<K, V>[]): KStream<K, V>[] {
    const graph = this.builder.graph;
    const branchName = graph.nextName('KSTREAM-BRANCH');
    const childNames = predicates.map(() => graph.nextName('KSTREAM-BRANCHCHILD'));
    graph.addProcessor(branchName, () => new BranchProcessor(predicates, childNames) as never, [
      this.state.node,
    ]);
    return childNames.map((childName) => {
      graph.addProcessor(childName, () => new PassThroughProcessor() as never, [branchName]);
      return new KStream<K, V>(this.builder, { ...this.state, node: childName });
    });
  }

  merge(other: KStream<K, V>, named: Named = {}): KStream<K, V> {
    const name = named.name ?? this.builder.graph.nextName('KSTREAM-MERGE');
    this.builder.graph.addProcessor(name, () => new PassThroughProcessor() as never, [
      this.state.node,
      other.state.node,
    ]);
    return new KStream(this.builder, {
      ...this.state,
      node: name,
      repartitionRequired: this.state.repartitionRequired || other.state.repartitionRequired,
    });
  }

  /** Writes the stream to an internal topic and reads it back, so records are partitioned by their key. */
  repartition(named: Named = {}): KStream<K, V> {
    const graph = this.builder.graph;
    const base = named.name ?? graph.nextName('KSTREAM-REPARTITION');
    const topic = `${base}-repartition`;
    graph.addSink(
      graph.nextName('KSTREAM-SINK'),
      topic,
      [this.state.node],
      this.state.keySerde,
      this.state.valueSerde,
      true,
    );
    const source = graph.nextName('KSTREAM-SOURCE');
    graph.addSource(
      source,
      [topic],
      this.state.keySerde,
      this.state.valueSerde,
      'partitioned',
      true,
    );
    return new KStream(this.builder, { ...this.state, node: source, repartitionRequired: false });
  }

  groupByKey(grouped: { keySerde?: Serde<K>; valueSerde?: Serde<V> } = {}): KGroupedStream<K, V> {
    const state: StreamState = {
      ...this.state,
      keySerde: (grouped.keySerde ?? this.state.keySerde) as Serde<unknown>,
      valueSerde: (grouped.valueSerde ?? this.state.valueSerde) as Serde<unknown>,
    };
    return new KGroupedStream<K, V>(this.builder, new KStream<K, V>(this.builder, state));
  }

  /** The latest value per key as a table. */
  toTable(materialized: Materialized<V>): KTable<V> {
    const input = this.repartitionIfRequired();
    const store = this.builder.materialize(materialized, input.state.valueSerde);
    const name = this.builder.graph.nextName('KSTREAM-TOTABLE');
    this.builder.graph.addProcessor(
      name,
      () => new TableMaterializer(store) as never,
      [input.state.node],
      [store],
    );
    return new KTable<V>(this.builder, { ...input.state, node: name }, store);
  }

  join<T, R>(table: KTable<T>, joiner: ValueJoiner<V, T, R>, named: Named = {}): KStream<K, R> {
    return this.joinTable(table, joiner, false, named);
  }

  leftJoin<T, R>(table: KTable<T>, joiner: ValueJoiner<V, T, R>, named: Named = {}): KStream<K, R> {
    return this.joinTable(table, joiner, true, named);
  }

  /** The processor API: a processor of your own, connected to task stores and global tables. */
  process<KR = K, VR = V>(
    supplier: ProcessorSupplier<K, V, KR, VR>,
    stores: readonly string[] = [],
    options: Named & { globalTables?: readonly string[] } = {},
  ): KStream<KR, VR> {
    const name = options.name ?? this.builder.graph.nextName('KSTREAM-PROCESSOR');
    this.builder.graph.addProcessor(
      name,
      supplier as ProcessorSupplier,
      [this.state.node],
      stores,
      options.globalTables ?? [],
    );
    // A processor may forward any key, so a stateful operator after it repartitions (as Kafka Streams does).
    return new KStream<KR, VR>(this.builder, {
      node: name,
      keySerde: stringSerde as Serde<unknown>,
      valueSerde: jsonSerde,
      repartitionRequired: true,
    });
  }

  to(topic: string, produced: Produced<K, V> = {}): void {
    const name = produced.name ?? this.builder.graph.nextName('KSTREAM-SINK');
    this.builder.graph.addSink(
      name,
      topic,
      [this.state.node],
      (produced.keySerde ?? this.state.keySerde) as Serde<unknown>,
      (produced.valueSerde ?? this.state.valueSerde) as Serde<unknown>,
      false,
      produced.partitioner,
    );
  }

  /** @internal */
  repartitionIfRequired(): KStream<K, V> {
    return this.state.repartitionRequired ? this.repartition() : this;
  }

  private joinTable<T, R>(
    table: KTable<T>,
    joiner: ValueJoiner<V, T, R>,
    left: boolean,
    named: Named,
  ): KStream<K, R> {
    const input = this.repartitionIfRequired();
    const name =
      named.name ?? this.builder.graph.nextName(left ? 'KSTREAM-LEFTJOIN' : 'KSTREAM-JOIN');
    this.builder.graph.addProcessor(
      name,
      () =>
        new StreamTableJoinProcessor(
          table.storeName,
          joiner as ValueJoiner<unknown, unknown, unknown>,
          left,
        ) as never,
      [input.state.node],
      [table.storeName],
    );
    return new KStream<K, R>(this.builder, { ...input.state, node: name, valueSerde: jsonSerde });
  }

  private then<KR, VR>(
    prefix: string,
    named: Named,
    supplier: () => unknown,
    change: { keyChanged?: boolean; valueChanged?: boolean },
  ): KStream<KR, VR> {
    const name = named.name ?? this.builder.graph.nextName(prefix);
    this.builder.graph.addProcessor(name, supplier as ProcessorSupplier, [this.state.node]);
    return new KStream<KR, VR>(this.builder, {
      node: name,
      keySerde: change.keyChanged ? (stringSerde as Serde<unknown>) : this.state.keySerde,
      valueSerde: change.valueChanged ? jsonSerde : this.state.valueSerde,
      repartitionRequired: this.state.repartitionRequired || change.keyChanged === true,
    });
  }
}

export class KGroupedStream<K, V> {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly stream: KStream<K, V>,
  ) {}

  aggregate<A>(
    initializer: Initializer<A>,
    aggregator: Aggregator<string, V, A>,
    materialized: Materialized<A>,
  ): KTable<A> {
    const input = this.stream.repartitionIfRequired();
    const store = this.builder.materialize(materialized, jsonSerde);
    const name = this.builder.graph.nextName('KSTREAM-AGGREGATE');
    this.builder.graph.addProcessor(
      name,
      () => new AggregateProcessor<V, A>(store, initializer, aggregator) as never,
      [input.state.node],
      [store],
    );
    const spec = materialized.valueSerde ?? jsonSerde;
    return new KTable<A>(
      this.builder,
      {
        node: name,
        keySerde: input.state.keySerde,
        valueSerde: spec as Serde<unknown>,
        repartitionRequired: false,
      },
      store,
    );
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized: Materialized<V>): KTable<V> {
    // No initial value: the key's first value becomes its aggregate.
    return this.aggregate<V | undefined>(
      () => undefined,
      (_key, value, aggregate) => (aggregate === undefined ? value : reducer(aggregate, value)),
      materialized as Materialized<V | undefined>,
    ) as KTable<V>;
  }

  count(materialized: Materialized<number>): KTable<number> {
    return this.aggregate<number>(
      () => 0,
      (_key, _value, count) => count + 1,
      {
        valueSerde: float64Serde,
        ...materialized,
      },
    );
  }
}

export class KTable<V> {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly state: StreamState,
    /** The store holding the table. */
    readonly storeName: string,
  ) {}

  /** The table's changes as a stream of (key, latest value). */
  toStream(): KStream<string, V> {
    return new KStream<string, V>(this.builder, { ...this.state, repartitionRequired: false });
  }
}

export class GlobalKTable<V> {
  /** Type-only marker so GlobalKTable<A> and GlobalKTable<B> differ. */
  declare readonly valueType?: V;
  constructor(
    readonly storeName: string,
    readonly topic: string,
  ) {}
}
