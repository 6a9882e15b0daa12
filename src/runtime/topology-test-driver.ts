/**
 * Runs a topology in one process with no broker, deterministically, like Kafka Streams'
 * TopologyTestDriver: pipe records into input topics, advance the wall clock, read output topics.
 *
 * Unlike Kafka Streams' driver it runs every partition: keys land on partitions by Kafka's
 * murmur2, one task per partition, and all tasks share one stream time (the largest timestamp
 * piped so far), so time-driven output does not depend on the partition count. After each input
 * record the driver drains repartition topics, runs background jobs to completion and tells every
 * processor the record is done, before it takes the next one.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Headers } from '../operators/index.js';
import type { KeyValueStore, Serde, StoreBackend, StoreSpec } from '../state/index.js';
import type { Topology } from '../topology/index.js';
import { jsonSerde, stringSerde } from '../topology/index.js';
import { RuntimeError } from './errors.js';
import { GlobalStateHost } from './global-state.js';
import { InMemoryCluster } from './in-memory-cluster.js';
import type { InMemoryTopic } from './in-memory-cluster.js';
import { partitionForKey } from './murmur2.js';
import { processBatch } from './process-batch.js';
import { deadLetterOf } from './records.js';
import type { ConsumedRecord, DeadLetter, ProducedRecord, RecordCollector } from './records.js';
import { formatTaskId, type TaskCounters } from './stream-task.js';
import { partitionOfKey, readable, subTopologyOfStore } from './store-queries.js';
import type { LocalStore, StoreQueries, StoreQueryResult } from './store-queries.js';
import { TaskHost } from './task-host.js';
import type { ChangelogReader, RestoreProgress } from './task-host.js';
import { TIMER_STORE } from './task-state-port.js';
import type { RestoreRecord, TaskStateOpener } from './task-state-port.js';
import { bytesSerde, openTaskState } from './task-state.js';

const RESTORE_BATCH = 1000;

export interface TopologyTestDriverOptions {
  applicationId?: string;
  /** Partitions of every input topic not named in `topicPartitions` (default 1). */
  partitions?: number;
  topicPartitions?: Readonly<Record<string, number>>;
  /** Local state directory (default: a new temporary directory, removed at close). */
  stateDir?: string;
  /** Put every store on this backend, whatever the topology says (memory makes replays fast). */
  backendOverride?: StoreBackend;
  /** Wall-clock time at start, epoch ms (default 0). */
  wallClockStart?: number;
  /** Commit (flush stores, write checkpoints) after this many input records (default 1). */
  commitEvery?: number;
  /** Topics that outlive the driver: pass the same cluster to a new driver to restart on it. */
  cluster?: InMemoryCluster;
  openState?: TaskStateOpener;
  onRestoreProgress?(progress: RestoreProgress): void;
  /**
   * 'settle' (default): background jobs run to completion after each input. 'step': they wait for
   * `stepBackgroundJobs()`, so a test can put records between their steps as the Kafka runtime does.
   */
  backgroundJobs?: 'settle' | 'step';
}

export interface TestRecord<K, V> {
  key: K;
  value: V;
  timestamp: number;
  partition: number;
  offset: number;
  headers?: Headers;
}

export class TopologyTestDriver implements StoreQueries {
  readonly applicationId: string;
  readonly cluster: InMemoryCluster;
  readonly deadLetters: DeadLetter[] = [];
  private readonly hosts = new Map<string, TaskHost>();
  private feedbackTopicList: { name: string; topic: string }[] | undefined;
  private readonly internalCursors = new Map<string, number>();
  private readonly outputCursors = new Map<string, number[]>();
  private readonly timerStoreSpec: StoreSpec;
  private globals!: GlobalStateHost;
  private streamTime = -Infinity;
  private wallClock: number;
  private sinceCommit = 0;
  private readonly ownsStateDir: boolean;
  private readonly stateDir: string;

  private constructor(
    readonly topology: Topology,
    private readonly options: TopologyTestDriverOptions,
  ) {
    this.applicationId = options.applicationId ?? 'test-app';
    this.cluster = options.cluster ?? new InMemoryCluster();
    this.wallClock = options.wallClockStart ?? 0;
    this.ownsStateDir = options.stateDir === undefined;
    this.stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'touchstream-driver-'));
    this.timerStoreSpec = {
      name: TIMER_STORE,
      backend: options.backendOverride ?? 'leveldb',
      valueSerde: bytesSerde,
      changelog: true,
    };
  }

  static async create(
    topology: Topology,
    options: TopologyTestDriverOptions = {},
  ): Promise<TopologyTestDriver> {
    const driver = new TopologyTestDriver(topology, options);
    await driver.start();
    return driver;
  }

  // --- input -----------------------------------------------------------------------------------

  createInputTopic<K = string, V = unknown>(
    topic: string,
    keySerde?: Serde<K>,
    valueSerde?: Serde<V>,
  ): TestInputTopic<K, V> {
    return new TestInputTopic<K, V>(
      this,
      topic,
      keySerde ?? (stringSerde as Serde<unknown> as Serde<K>),
      valueSerde ?? (jsonSerde as Serde<V>),
    );
  }

  /** Pipes one serialized record and processes everything that follows from it. */
  async pipeRaw(
    topic: string,
    key: Uint8Array | null,
    value: Uint8Array | null,
    timestamp: number,
    headers?: Headers,
  ): Promise<void> {
    if (!Number.isFinite(timestamp)) {
      throw new RuntimeError(
        'TS_RUNTIME_BAD_TIMESTAMP',
        `record for ${topic} has timestamp ${timestamp}; use epoch ms`,
      );
    }
    const globalTable = this.topology.globalTables.find((table) => table.topic === topic);
    if (globalTable !== undefined) {
      const offset = this.cluster
        .ensureTopic(topic, 1)
        .append(0, { key, value, timestamp, headers });
      await this.advanceAll(timestamp);
      const change = this.globals.apply(globalTable.name, {
        topic,
        partition: 0,
        offset,
        key,
        value,
        timestamp,
        headers,
      });
      if (change !== undefined) {
        for (const host of this.hosts.values())
          host.task.globalUpdate(globalTable.name, change.key, change.value, timestamp);
      }
    } else {
      const sub = this.topology.subTopologyOf(topic);
      if (sub === undefined)
        throw new RuntimeError('TS_RUNTIME_UNKNOWN_TOPIC', `no source reads topic ${topic}`);
      const log = this.cluster.ensureTopic(topic, this.partitionsOf(topic));
      const sourceNode = this.sourceNodeOf(topic);
      if (sourceNode.delivery === 'broadcast') {
        const offset = log.append(0, { key, value, timestamp, headers });
        const targets = [...this.hosts.values()].filter(
          (host) => host.task.id.subTopology === sub.id,
        );
        const prepared = targets.map((host) =>
          host.task.prepare({ topic, partition: 0, offset, key, value, timestamp, headers }),
        );
        const eventTime = prepared.find((entry) => entry !== undefined)?.decoded.timestamp;
        if (eventTime !== undefined) await this.advanceAll(eventTime);
        prepared.forEach((entry, i) => {
          if (entry !== undefined) targets[i].task.processPrepared(entry);
        });
      } else {
        const partition = key === null ? 0 : partitionForKey(key, log.partitionCount);
        const offset = log.append(partition, { key, value, timestamp, headers });
        this.consumedByPipe(topic, partition, offset);
        const host = this.hostFor(sub.id, partition);
        const prepared = host.task.prepare({
          topic,
          partition,
          offset,
          key,
          value,
          timestamp,
          headers,
        });
        if (prepared !== undefined) {
          await this.advanceAll(prepared.decoded.timestamp);
          host.task.processPrepared(prepared);
        }
      }
    }
    await this.finishInput();
    for (const host of this.hosts.values()) if (host.state.needsFlush) await host.state.flush();
    this.sinceCommit += 1;
    if (this.sinceCommit >= (this.options.commitEvery ?? 1)) await this.commit();
  }

  /**
   * Processes serialized records of one partitioned topic as the Kafka runtime does a fetched
   * batch: per task, in order, with no per-record await; then commits. Records are not routed
   * one by one through shared stream time, so use it for throughput, not for cross-task timing.
   */
  async pipeBatch(
    topic: string,
    records: readonly { key: Uint8Array | null; value: Uint8Array | null; timestamp: number }[],
  ): Promise<void> {
    const sub = this.topology.subTopologyOf(topic);
    if (sub === undefined)
      throw new RuntimeError('TS_RUNTIME_UNKNOWN_TOPIC', `no source reads topic ${topic}`);
    const log = this.cluster.ensureTopic(topic, this.partitionsOf(topic));
    const perPartition: ConsumedRecord[][] = Array.from({ length: log.partitionCount }, () => []);
    for (const record of records) {
      const partition = record.key === null ? 0 : partitionForKey(record.key, log.partitionCount);
      const offset = log.append(partition, record);
      this.consumedByPipe(topic, partition, offset);
      perPartition[partition].push({
        topic,
        partition,
        offset,
        key: record.key,
        value: record.value,
        timestamp: record.timestamp,
      });
      if (record.timestamp > this.streamTime) this.streamTime = record.timestamp;
    }
    for (let partition = 0; partition < perPartition.length; partition += 1) {
      if (perPartition[partition].length > 0)
        await processBatch(this.hostFor(sub.id, partition), perPartition[partition]);
    }
    await this.settle();
    await this.commit();
  }

  /** Moves the wall clock forward and fires the wall-clock timers that came due. */
  async advanceWallClockTime(ms: number): Promise<void> {
    this.wallClock += ms;
    for (const host of this.hosts.values())
      await host.task.punctuateWallClockLoading(this.wallClock);
    await this.expireAll();
    await this.settle();
  }

  /** Moves stream time forward with no record, as a `clock` event does. */
  async advanceStreamTime(timestamp: number): Promise<void> {
    await this.advanceAll(timestamp);
    await this.finishInput();
  }

  /**
   * Everything that follows one input before the next may come: its repartitioned records and
   * background jobs, then the end-of-input hook on every task (which may queue more work, run too).
   */
  private async finishInput(): Promise<void> {
    await this.settle();
    for (const host of this.hosts.values()) host.task.inputProcessed();
    await this.settle();
  }

  currentStreamTime(): number {
    return this.streamTime;
  }

  /** What the tasks have done so far, added up: records processed, dead letters, timers fired. */
  taskCounters(): TaskCounters {
    const total: TaskCounters = { processed: 0, deadLetters: 0, timersFired: 0 };
    for (const host of this.hosts.values()) {
      total.processed += host.task.counters.processed;
      total.deadLetters += host.task.counters.deadLetters;
      total.timersFired += host.task.counters.timersFired;
    }
    return total;
  }

  currentWallClockTime(): number {
    return this.wallClock;
  }

  // --- output ------------------------------------------------------------------------------------

  createOutputTopic<K = string, V = unknown>(
    topic: string,
    keySerde?: Serde<K>,
    valueSerde?: Serde<V>,
  ): TestOutputTopic<K, V> {
    return new TestOutputTopic<K, V>(
      this,
      topic,
      keySerde ?? (stringSerde as Serde<unknown> as Serde<K>),
      valueSerde ?? (jsonSerde as Serde<V>),
    );
  }

  /** @internal records of an output topic not yet read through this driver, every partition in order. */
  takeUnread(topic: string): {
    partition: number;
    offset: number;
    key: Uint8Array | null;
    value: Uint8Array | null;
    timestamp: number;
    headers?: Headers;
  }[] {
    const log = this.cluster.topic(topic);
    if (log === undefined) return [];
    let cursors = this.outputCursors.get(topic);
    if (cursors === undefined) {
      cursors = new Array<number>(log.partitionCount).fill(0);
      this.outputCursors.set(topic, cursors);
    }
    const out = [];
    for (let partition = 0; partition < log.partitionCount; partition += 1) {
      for (const record of log.read(partition, cursors[partition]))
        out.push({ partition, ...record });
      cursors[partition] = log.endOffset(partition);
    }
    return out;
  }

  // --- state -------------------------------------------------------------------------------------

  /** A task's store, for assertions; `TIMER_STORE` is every task's own timer store. */
  getStore<V>(name: string, partition = 0): KeyValueStore<V> {
    for (const host of this.hosts.values()) {
      const sub = this.topology.subTopologies[host.task.id.subTopology];
      if (host.task.partition === partition && (name === TIMER_STORE || sub.stores.includes(name)))
        return host.state.store(name) as KeyValueStore<V>;
    }
    throw new RuntimeError(
      'TS_RUNTIME_UNKNOWN_STORE',
      `no task of partition ${partition} has a store named ${name}`,
    );
  }

  getGlobalStore<V>(name: string): KeyValueStore<V> {
    return this.globals.store(name) as KeyValueStore<V>;
  }

  // --- interactive queries: every partition runs here, so every answer is local ----------------

  readonly apiAddress: string | undefined = undefined;

  queryStore<V>(storeName: string, key: string): StoreQueryResult<V> {
    const subTopology = subTopologyOfStore(this.topology, storeName);
    const partition = partitionOfKey(key, this.partitionsOfSubTopology(subTopology));
    const host = this.hostFor(subTopology, partition);
    return {
      kind: 'local',
      partition,
      store: readable(host.state.store(storeName) as KeyValueStore<V>),
      streamTime: host.task.streamTime(),
    };
  }

  localStores<V>(storeName: string): LocalStore<V>[] {
    const subTopology = subTopologyOfStore(this.topology, storeName);
    return Array.from({ length: this.partitionsOfSubTopology(subTopology) }, (_, partition) => {
      const host = this.hostFor(subTopology, partition);
      return {
        partition,
        store: readable(host.state.store(storeName) as KeyValueStore<V>),
        streamTime: () => host.task.streamTime(),
      };
    });
  }

  storePartitions(storeName: string): number {
    return this.partitionsOfSubTopology(subTopologyOfStore(this.topology, storeName));
  }

  instanceAddresses(): string[] {
    return [];
  }

  taskIds(): string[] {
    return [...this.hosts.keys()];
  }

  /** Changelog records restored per store when the task last opened. */
  restoredCounts(taskId: string): Readonly<Record<string, number>> {
    return this.host(taskId).restored;
  }

  /**
   * Loses a task's local state as a crashed disk would: closes the task without committing,
   * deletes its state directory and opens it again, restoring from the changelog alone.
   * Call `commit()` first to lose nothing that was processed.
   */
  async dropTaskState(taskId: string): Promise<void> {
    const host = this.host(taskId);
    await host.close({ commit: false });
    await host.state.wipe();
    await this.reopenTask(taskId);
  }

  /** Closes a task (committing) and opens it again on the same local state: restores only the tail. */
  async restartTask(
    taskId: string,
    options: { commit: boolean } = { commit: true },
  ): Promise<void> {
    await this.host(taskId).close(options);
    await this.reopenTask(taskId);
  }

  async commit(): Promise<void> {
    for (const host of this.hosts.values()) await host.commit();
    this.sinceCommit = 0;
  }

  async close(): Promise<void> {
    await this.commit();
    for (const host of this.hosts.values()) await host.close({ commit: false });
    this.hosts.clear();
    await this.globals.close();
    if (this.ownsStateDir) await rm(this.stateDir, { recursive: true, force: true });
  }

  // --- internals -----------------------------------------------------------------------------

  private async start(): Promise<void> {
    this.globals = await GlobalStateHost.open(
      this.topology,
      this.cluster,
      (table, record, error) => {
        this.deadLetters.push(deadLetterOf(record, `global:${table}`, 'global', error));
      },
    );
    this.checkCoPartitioning();
    for (const sub of this.topology.subTopologies) {
      const partitions = this.partitionsOfSubTopology(sub.id);
      for (const topic of sub.sourceTopics)
        this.cluster.ensureTopic(
          this.resolveTopic(topic, this.isInternal(topic)),
          this.partitionsOf(topic),
        );
      for (let partition = 0; partition < partitions; partition += 1) {
        const taskId = formatTaskId({ subTopology: sub.id, partition });
        this.hosts.set(taskId, await this.openHost(sub.id, partition));
      }
    }
    // Records already on a restarted cluster's topics were processed by the driver before.
    for (const { name } of this.feedbackTopics()) {
      const log = this.cluster.topic(name);
      if (log === undefined) continue;
      for (let partition = 0; partition < log.partitionCount; partition += 1) {
        this.internalCursors.set(`${name}/${partition}`, log.endOffset(partition));
      }
    }
  }

  /**
   * A record piped into a topic the topology also writes (the delivery feedback a test sends, say)
   * is processed by the pipe itself: the internal drain must not read it a second time.
   */
  private consumedByPipe(topic: string, partition: number, offset: number): void {
    const feedback = this.feedbackTopics().find((candidate) => candidate.topic === topic);
    if (feedback === undefined) return;
    const cursorKey = `${feedback.name}/${partition}`;
    if ((this.internalCursors.get(cursorKey) ?? 0) === offset)
      this.internalCursors.set(cursorKey, offset + 1);
  }

  /** Topics the topology both writes and reads: repartition topics, and to(x) feeding stream(x). */
  private feedbackTopics(): { name: string; topic: string }[] {
    this.feedbackTopicList ??= this.findFeedbackTopics();
    return this.feedbackTopicList;
  }

  private findFeedbackTopics(): { name: string; topic: string }[] {
    const written = new Set<string>();
    for (const node of this.topology.definition.nodes.values())
      if (node.kind === 'sink') written.add(node.topic);
    const topics: { name: string; topic: string }[] = [];
    for (const topic of written) {
      const node =
        this.topology.subTopologyOf(topic) === undefined ? undefined : this.sourceNodeOf(topic);
      if (node === undefined || node.delivery !== 'partitioned') continue;
      topics.push({ name: this.resolveTopic(topic, this.isInternal(topic)), topic });
    }
    return topics;
  }

  private async reopenTask(taskId: string): Promise<void> {
    const [sub, partition] = taskId.split('_').map(Number);
    const host = await this.openHost(sub, partition);
    if (Number.isFinite(this.streamTime)) await host.task.advanceToLoading(this.streamTime);
    this.hosts.set(taskId, host);
  }

  private openHost(subTopology: number, partition: number): Promise<TaskHost> {
    const collector: RecordCollector = {
      send: (record) => this.send(record),
      deadLetter: (letter) => {
        this.deadLetters.push(letter);
      },
    };
    const reader: ChangelogReader = {
      read: (topic, p, from) => this.readChangelog(topic, p, from),
    };
    return TaskHost.open({
      id: { subTopology, partition },
      applicationId: this.applicationId,
      topology: this.overriddenTopology(),
      stateDir: this.stateDir,
      openState: this.options.openState ?? openTaskState,
      changelogReader: reader,
      collector,
      timerStoreSpec: this.timerStoreSpec,
      resolveTopic: (topic, internal) => this.resolveTopic(topic, internal),
      partitionsFor: (topic) => this.outputPartitions(topic),
      globalStore: (name) => this.globals.store(name),
      wallClock: () => this.wallClock,
      onRestoreProgress: this.options.onRestoreProgress,
    });
  }

  private overriddenTopology(): Topology {
    const backend = this.options.backendOverride;
    if (backend === undefined) return this.topology;
    const stores = new Map(
      [...this.topology.definition.stores].map(([name, spec]) => [name, { ...spec, backend }]),
    );
    return new (this.topology.constructor as new (definition: Topology['definition']) => Topology)({
      ...this.topology.definition,
      stores,
    });
  }

  private send(record: ProducedRecord): number {
    const topic =
      this.cluster.topic(record.topic) ??
      this.cluster.ensureTopic(record.topic, this.outputPartitions(record.topic));
    return topic.append(record.partition, record);
  }

  private async *readChangelog(
    topic: string,
    partition: number,
    fromOffset: number,
  ): AsyncIterable<readonly RestoreRecord[]> {
    const log = this.cluster.topic(topic);
    if (log === undefined) return;
    const decoder = new TextDecoder();
    const records = log.read(partition, fromOffset);
    for (let i = 0; i < records.length; i += RESTORE_BATCH) {
      yield records.slice(i, i + RESTORE_BATCH).map((record) => ({
        key: decoder.decode(record.key ?? new Uint8Array(0)),
        value: record.value,
        offset: record.offset,
      }));
    }
  }

  /** Moves every task to `timestamp`, firing due timers everywhere (all tasks share one clock). */
  private async advanceAll(timestamp: number): Promise<void> {
    if (timestamp <= this.streamTime) return;
    this.streamTime = timestamp;
    for (const host of this.hosts.values()) await host.task.advanceToLoading(timestamp);
    await this.expireAll();
  }

  private async expireAll(): Promise<void> {
    for (const host of this.hosts.values())
      await host.state.expire(this.streamTime, this.wallClock);
  }

  /**
   * With `backgroundJobs: 'step'`: runs one step of every task's oldest background job (and what
   * it repartitions). Resolves true while any job is left.
   */
  async stepBackgroundJobs(): Promise<boolean> {
    let left = false;
    for (const host of this.hosts.values()) {
      if (!host.task.hasBackgroundWork()) continue;
      if (await host.task.runBackgroundStep()) left = true;
      await this.drainInternalTopics();
    }
    return left;
  }

  /** Runs repartitioned records and background jobs until nothing is left to do. */
  private async settle(): Promise<void> {
    for (;;) {
      await this.drainInternalTopics();
      if (this.options.backgroundJobs === 'step') return;
      let worked = false;
      for (const host of this.hosts.values()) {
        while (host.task.hasBackgroundWork()) {
          worked = true;
          await host.task.runBackgroundStep();
          await this.drainInternalTopics();
        }
      }
      if (!worked) return;
    }
  }

  private async drainInternalTopics(): Promise<void> {
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (const { name, topic } of this.feedbackTopics()) {
        const log = this.cluster.topic(name);
        const sub = this.topology.subTopologyOf(topic);
        if (log === undefined || sub === undefined) continue;
        for (let partition = 0; partition < log.partitionCount; partition += 1) {
          const cursorKey = `${name}/${partition}`;
          let cursor = this.internalCursors.get(cursorKey) ?? 0;
          while (cursor < log.endOffset(partition)) {
            const stored = log.read(partition, cursor)[0];
            const record: ConsumedRecord = { topic: name, partition, ...stored };
            const host = this.hostFor(sub.id, partition);
            const prepared = host.task.prepare(record);
            if (prepared !== undefined) {
              await host.task.advanceToLoading(prepared.decoded.timestamp);
              host.task.processPrepared(prepared);
            }
            cursor += 1;
            progressed = true;
          }
          this.internalCursors.set(cursorKey, cursor);
        }
      }
    }
  }

  private hostFor(subTopology: number, partition: number): TaskHost {
    return this.host(formatTaskId({ subTopology, partition }));
  }

  private host(taskId: string): TaskHost {
    const host = this.hosts.get(taskId);
    if (host === undefined)
      throw new RuntimeError(
        'TS_RUNTIME_UNKNOWN_TASK',
        `no task ${taskId}; tasks are ${this.taskIds().join(', ')}`,
      );
    return host;
  }

  private sourceNodeOf(topic: string) {
    for (const node of this.topology.definition.nodes.values()) {
      if (node.kind === 'source' && node.topics.includes(topic)) return node;
    }
    throw new RuntimeError('TS_RUNTIME_UNKNOWN_TOPIC', `no source reads topic ${topic}`);
  }

  private isInternal(topic: string): boolean {
    return this.topology.definition.repartitionTopics.includes(topic);
  }

  resolveTopic(topic: string, internal: boolean): string {
    return internal ? `${this.applicationId}-${topic}` : topic;
  }

  private partitionsOf(topic: string): number {
    if (this.isInternal(topic)) {
      // Sized to the external inputs it will be joined with, if any, as Kafka Streams does.
      const downstream = this.topology.subTopologyOf(topic);
      const external = (downstream?.sources ?? [])
        .map((name) => this.topology.node(name))
        .flatMap((node) =>
          node.kind === 'source' && node.delivery === 'partitioned' && !node.internal
            ? node.topics
            : [],
        );
      if (external.length > 0)
        return Math.max(...external.map((other) => this.partitionsOf(other)));
      const upstream = this.topology.subTopologies.find((sub) =>
        sub.sinks.some((sink) => {
          const node = this.topology.node(sink);
          return node.kind === 'sink' && node.topic === topic;
        }),
      );
      return upstream === undefined
        ? (this.options.partitions ?? 1)
        : this.partitionsOfSubTopology(upstream.id);
    }
    return this.options.topicPartitions?.[topic] ?? this.options.partitions ?? 1;
  }

  private partitionsOfSubTopology(id: number): number {
    const sub = this.topology.subTopologies[id];
    const partitioned = sub.sources
      .map((name) => this.topology.node(name))
      .filter((node) => node.kind === 'source' && node.delivery === 'partitioned')
      .flatMap((node) => (node.kind === 'source' ? node.topics : []));
    if (partitioned.length === 0) return this.options.partitions ?? 1;
    return Math.max(...partitioned.map((topic) => this.partitionsOf(topic)));
  }

  /** Inputs of one sub-topology must have the same partition count, or keys would not meet. */
  private checkCoPartitioning(): void {
    for (const sub of this.topology.subTopologies) {
      const counts = sub.sources
        .map((name) => this.topology.node(name))
        .flatMap((node) =>
          node.kind === 'source' && node.delivery === 'partitioned' ? node.topics : [],
        )
        .map((topic) => [topic, this.partitionsOf(topic)] as const);
      const distinct = new Set(counts.map(([, count]) => count));
      if (distinct.size > 1) {
        throw new RuntimeError(
          'TS_RUNTIME_NOT_COPARTITIONED',
          `sub-topology ${sub.id} reads topics with different partition counts (${counts.map(([t, c]) => `${t}: ${c}`).join(', ')}); ` +
            'co-partitioned inputs must have equal counts',
        );
      }
    }
  }

  private outputPartitions(topic: string): number {
    const existing = this.cluster.topic(topic);
    if (existing !== undefined) return existing.partitionCount;
    const stripped = topic.startsWith(`${this.applicationId}-`)
      ? topic.slice(this.applicationId.length + 1)
      : topic;
    if (this.isInternal(stripped)) return this.partitionsOf(stripped);
    if (topic.endsWith('-changelog')) return this.maxPartitions();
    return this.options.topicPartitions?.[topic] ?? this.maxPartitions();
  }

  private maxPartitions(): number {
    return Math.max(
      1,
      ...this.topology.subTopologies.map((sub) => this.partitionsOfSubTopology(sub.id)),
    );
  }
}

export class TestInputTopic<K, V> {
  constructor(
    private readonly driver: TopologyTestDriver,
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  pipeInput(key: K | null, value: V | null, timestamp: number, headers?: Headers): Promise<void> {
    return this.driver.pipeRaw(
      this.topic,
      key === null ? null : this.keySerde.serialize(key),
      value === null ? null : this.valueSerde.serialize(value),
      timestamp,
      headers,
    );
  }

  async pipeRecords(
    records: Iterable<{ key: K | null; value: V | null; timestamp: number; headers?: Headers }>,
  ): Promise<void> {
    for (const record of records)
      await this.pipeInput(record.key, record.value, record.timestamp, record.headers);
  }
}

export class TestOutputTopic<K, V> {
  constructor(
    private readonly driver: TopologyTestDriver,
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  /** Records written since the last read, partition by partition, each in offset order. */
  readRecords(): TestRecord<K | null, V | null>[] {
    return this.driver.takeUnread(this.topic).map((record) => ({
      key: record.key === null ? null : this.keySerde.deserialize(record.key),
      value: record.value === null ? null : this.valueSerde.deserialize(record.value),
      timestamp: record.timestamp,
      partition: record.partition,
      offset: record.offset,
      headers: record.headers,
    }));
  }

  readValues(): (V | null)[] {
    return this.readRecords().map((record) => record.value);
  }

  readKeyValues(): { key: K | null; value: V | null }[] {
    return this.readRecords().map(({ key, value }) => ({ key, value }));
  }
}

export type { InMemoryTopic };
