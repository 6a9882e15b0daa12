/**
 * The Kafka runtime: runs a topology as one member of a kafkajs consumer group named by the
 * application id, with Kafka Streams' guarantees.
 *
 *  - One task per assigned partition of each sub-topology; co-partitioned inputs share a task
 *    (the group's assigner keeps every topic's partition p on one member).
 *  - A task opens its stores and restores them from `<applicationId>-<store>-changelog` (from its
 *    checkpoint to the end) before it processes anything.
 *  - Exactly-once by default: after each fetched batch, one transaction holds the outputs, the
 *    changelog records, the dead letters and the consumed offsets. Under exactly-once the
 *    checkpoint file is written only on a clean close: after a crash the local state may hold
 *    writes of an aborted transaction, so the task restores from the changelog in full.
 *  - Global tables are read whole by every instance before processing starts, then followed.
 *  - Broadcast inputs are copied by whichever member owns their partition to every partition of a
 *    fan-out topic, inside its transaction, so that every task reads each broadcast once.
 *  - Wall-clock timers fire on an interval, with or without records arriving.
 */
import { AssignerProtocol } from 'kafkajs';
import type {
  Admin,
  Consumer,
  EachBatchPayload,
  Kafka,
  Producer,
  RecordMetadata,
  TopicMessages,
} from 'kafkajs';
import {
  copartitionedAssigner,
  decodeAssignmentInfo,
  ensureTopics,
  partitionCounts,
  PartitionReader,
  toHeaders,
} from '../../io/index.js';
import type { AssignmentInfo } from '../../io/index.js';
import type { KeyValueStore, StoreSpec } from '../../state/index.js';
import type { Topology } from '../../topology/index.js';
import { errorMessage } from '../../errors/index.js';
import { RuntimeError } from '../errors.js';
import { GlobalStateHost } from '../global-state.js';
import { processBatch } from '../process-batch.js';
import type { ConsumedRecord } from '../records.js';
import { formatTaskId } from '../stream-task.js';
import { partitionOfKey, readable, subTopologyOfStore } from '../store-queries.js';
import type { LocalStore, StoreQueries, StoreQueryResult } from '../store-queries.js';
import { TaskHost, changelogTopic } from '../task-host.js';
import type { RestoreProgress } from '../task-host.js';
import { TIMER_STORE } from '../task-state-port.js';
import { bytesSerde, openTaskState } from '../task-state.js';
import { planTopics } from './internal-topics.js';
import { routeQuery } from './query-routing.js';
import type { TopicPlan } from './internal-topics.js';
import { KafkaCollector } from './kafka-collector.js';
import { SerialQueue } from './serial-queue.js';

export type ProcessingGuarantee = 'exactly_once' | 'at_least_once';

export interface RuntimeLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface KafkaStreamsOptions {
  kafka: Kafka;
  applicationId: string;
  /** Stable across restarts of this instance: names its transactional id and readers' groups. */
  instanceId: string;
  topology: Topology;
  stateDir: string;
  processingGuarantee?: ProcessingGuarantee;
  deadLetterTopic: string;
  /** Where this instance's API answers, announced to the group for interactive queries. */
  apiAddress?: string;
  wallClockIntervalMs?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  clock?: () => number;
  logger?: RuntimeLogger;
  onRestoreProgress?(progress: RestoreProgress): void;
  onCommit?(info: { records: number; offsets: number; ms: number }): void;
  onRebalance?(info: { assigned: string[]; revoked: string[] }): void;
  onDeadLetter?(letter: {
    code: string;
    topic: string;
    partition: number;
    offset: number;
    message: string;
  }): void;
  onBatchProcessed?(info: { taskId: string; records: number; ms: number }): void;
  /** Every record applied to a global table, from the first read at start on (a null value deletes). */
  onGlobalRecord?(
    table: string,
    record: { key: string; value: unknown; timestamp: number; offset: number },
  ): void;
  /**
   * Readies a fetched batch for synchronous decoding, once per batch (Avro: fetch the schemas of
   * ids not seen yet). Decoding itself stays on the hot path's synchronous side.
   */
  prepareBatch?(values: readonly (Buffer | null)[]): Promise<void>;
}

interface TaskChannel {
  collector: KafkaCollector;
  producer: Producer;
  /** The transactional producer is this channel's own (closed with it). */
  owned: boolean;
}

export type RuntimeState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface TaskStatus {
  taskId: string;
  state: 'restoring' | 'running';
  processed: number;
  deadLetters: number;
}

const silentLogger: RuntimeLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export class KafkaStreams implements StoreQueries {
  private currentState: RuntimeState = 'created';
  /** True from start until the first assignment is known, and while a rebalance runs. */
  private rebalanceInFlight = true;
  private rebalanceGeneration = 0;
  private readonly guarantee: ProcessingGuarantee;
  private readonly logger: RuntimeLogger;
  private readonly clock: () => number;
  private readonly queue = new SerialQueue();
  private readonly hosts = new Map<string, TaskHost>();
  private readonly opening = new Map<string, Promise<TaskHost>>();
  private readonly timerStore: StoreSpec;
  /**
   * Under exactly-once each task (and each broadcast partition copied to the fan-out topic) has a
   * producer of its own, transactional id `<applicationId>-<taskId>`: whoever opens the task next
   * fences the one before, so a member that was expelled (paused, partitioned away) and comes back
   * cannot commit outputs or offsets for a task that moved, as with Kafka Streams' per-task
   * producers. At-least-once shares one producer.
   */
  private readonly channels = new Map<string, TaskChannel>();
  private plan!: TopicPlan;
  private admin!: Admin;
  private producer!: Producer;
  private consumer!: Consumer;
  private restoreReader: PartitionReader | undefined;
  private globalReader: PartitionReader | undefined;
  private globals!: GlobalStateHost;
  private wallTimer: NodeJS.Timeout | undefined;
  private assignment: AssignmentInfo = { owners: {}, instances: {} };
  /** Why start() failed, for diagnostics. */
  private failure: unknown;

  constructor(private readonly options: KafkaStreamsOptions) {
    this.guarantee = options.processingGuarantee ?? 'exactly_once';
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? Date.now;
    this.timerStore = {
      name: TIMER_STORE,
      backend: 'leveldb',
      valueSerde: bytesSerde,
      changelog: true,
    };
  }

  get state(): RuntimeState {
    return this.currentState;
  }

  /** The error that made start() fail, if it did. */
  get startFailure(): unknown {
    return this.failure;
  }

  /** Tasks of this instance and whether each is still restoring. */
  tasks(): TaskStatus[] {
    const statuses: TaskStatus[] = [];
    for (const taskId of this.opening.keys()) {
      const host = this.hosts.get(taskId);
      statuses.push({
        taskId,
        state: host === undefined ? 'restoring' : 'running',
        processed: host?.task.counters.processed ?? 0,
        deadLetters: host?.task.counters.deadLetters ?? 0,
      });
    }
    return statuses;
  }

  /**
   * Consumer lag of the whole group per input topic-partition: log-end offset minus committed
   * offset (what ops watch). Reads the broker; call it on an interval, not per record.
   */
  async consumerLag(): Promise<
    { topic: string; partition: number; lag: number; end: number; committed: number }[]
  > {
    const lags: {
      topic: string;
      partition: number;
      lag: number;
      end: number;
      committed: number;
    }[] = [];
    const committed = await this.admin.fetchOffsets({
      groupId: this.options.applicationId,
      topics: this.plan.subscriptions,
    });
    for (const { topic, partitions } of committed) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const done = partitions.find((entry) => entry.partition === end.partition);
        const offset =
          done === undefined || Number(done.offset) < 0 ? Number(end.low) : Number(done.offset);
        const high = Number(end.high);
        lags.push({
          topic,
          partition: end.partition,
          lag: Math.max(0, high - offset),
          end: high,
          committed: offset,
        });
      }
    }
    return lags;
  }

  /** Partition -> API address of its owner, from the last rebalance. */
  partitionOwners(): Readonly<Record<number, string>> {
    return this.assignment.owners;
  }

  get apiAddress(): string | undefined {
    return this.options.apiAddress;
  }

  /** A rebalance runs (or none has completed yet): which instance owns what may change. */
  get rebalancing(): boolean {
    return this.rebalanceInFlight;
  }

  // --- interactive queries (read-only) -----------------------------------------------------------

  queryStore<V>(storeName: string, key: string): StoreQueryResult<V> {
    const subTopology = subTopologyOfStore(this.options.topology, storeName);
    const partitions = this.storePartitions(storeName);
    if (partitions === undefined) return { kind: 'unavailable', partition: 0, reason: 'no-owner' };
    const partition = partitionOfKey(key, partitions);
    const taskId = formatTaskId({ subTopology, partition });
    return routeQuery<V>(
      {
        running: this.currentState === 'running',
        rebalancing: this.rebalanceInFlight,
        self: this.options.apiAddress,
        owners: this.assignment.owners,
        runningTask: (id) => this.hosts.get(id),
        restoring: (id) => this.opening.has(id) && !this.hosts.has(id),
      },
      storeName,
      taskId,
      partition,
    );
  }

  localStores<V>(storeName: string): LocalStore<V>[] {
    const subTopology = subTopologyOfStore(this.options.topology, storeName);
    const stores: LocalStore<V>[] = [];
    for (const host of this.hosts.values()) {
      if (host.task.id.subTopology !== subTopology) continue;
      stores.push({
        partition: host.task.partition,
        store: readable(host.state.store(storeName) as KeyValueStore<V>),
        streamTime: () => host.task.streamTime(),
      });
    }
    return stores.sort((a, b) => a.partition - b.partition);
  }

  storePartitions(storeName: string): number | undefined {
    const subTopology = subTopologyOfStore(this.options.topology, storeName);
    return (this.plan as TopicPlan | undefined)?.tasks.get(subTopology);
  }

  instanceAddresses(): string[] {
    return [...new Set(Object.values(this.assignment.owners))].sort();
  }

  /** The running task of a partition of the given sub-topology, if this instance owns it. */
  taskHost(subTopology: number, partition: number): TaskHost | undefined {
    return this.hosts.get(formatTaskId({ subTopology, partition }));
  }

  globalStore(name: string) {
    return this.globals.store(name);
  }

  async start(): Promise<void> {
    if (this.currentState !== 'created')
      throw new RuntimeError(
        'TS_RUNTIME_STATE',
        `cannot start a runtime that is ${this.currentState}`,
      );
    this.currentState = 'starting';
    const { kafka, applicationId, topology } = this.options;
    try {
      this.admin = kafka.admin();
      await this.admin.connect();
      const inputs = topology
        .sourceTopics()
        .filter((topic) => !topology.definition.repartitionTopics.includes(topic));
      const counts = await partitionCounts(this.admin, [
        ...inputs,
        ...topology.globalTables.map((table) => table.topic),
      ]);
      this.plan = planTopics(topology, applicationId, counts, this.timerStore);
      await ensureTopics(this.admin, [
        ...this.plan.requirements,
        { topic: this.options.deadLetterTopic, partitions: 1 },
      ]);
      await this.startGlobals(counts);
      const changelogs = this.plan.requirements
        .filter((r) => r.topic.endsWith('-changelog'))
        .map((r) => r.topic);
      if (changelogs.length > 0) {
        this.restoreReader = await PartitionReader.start(kafka, {
          groupId: `${applicationId}-restore-${this.options.instanceId}`,
          topics: changelogs,
        });
      }
      // Shared by every task under at-least-once; under exactly-once each task has its own (channelFor).
      this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
      await this.startConsumer();
      this.wallTimer = setInterval(
        () => void this.punctuate(),
        this.options.wallClockIntervalMs ?? 1_000,
      );
      this.currentState = 'running';
    } catch (error) {
      this.currentState = 'failed';
      this.failure = error;
      await this.shutdown(false).catch(() => undefined);
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.currentState === 'stopped' || this.currentState === 'stopping') return;
    this.currentState = 'stopping';
    await this.shutdown(true);
    this.currentState = 'stopped';
  }

  // --- start-up --------------------------------------------------------------------------------

  private async startGlobals(counts: Map<string, number>): Promise<void> {
    const { kafka, applicationId, topology } = this.options;
    this.globals = await GlobalStateHost.open(topology, undefined, (table, record, error) => {
      this.logger.warn(
        { table, topic: record.topic, offset: record.offset, error: errorMessage(error) },
        'global table record skipped',
      );
    });
    const tables = topology.globalTables;
    if (tables.length === 0) return;
    await ensureTopics(
      this.admin,
      tables
        .filter((table) => !counts.has(table.topic))
        .map((table) => ({ topic: table.topic, partitions: 1, compact: true })),
    );
    this.globalReader = await PartitionReader.start(kafka, {
      groupId: `${applicationId}-global-${this.options.instanceId}`,
      topics: tables.map((table) => table.topic),
    });
    for (const table of tables) {
      const partitions = (await partitionCounts(this.admin, [table.topic])).get(table.topic) ?? 1;
      const all = Array.from({ length: partitions }, (_, partition) => partition);
      for (const partition of all) {
        for await (const batch of this.globalReader.read(table.topic, partition, 0)) {
          for (const record of batch) {
            const change = this.globals.apply(table.name, {
              topic: table.topic,
              partition,
              ...record,
            });
            if (change !== undefined) this.noteGlobal(table.name, change, record);
          }
        }
      }
      this.globalReader.follow(table.topic, all, (records, partition) =>
        this.queue.run(async () => {
          for (const record of records) {
            const change = this.globals.apply(table.name, {
              topic: table.topic,
              partition,
              ...record,
            });
            if (change === undefined) continue;
            this.noteGlobal(table.name, change, record);
            for (const host of this.hosts.values()) {
              // A global record takes effect from its timestamp on, so it moves stream time as any record does.
              await host.task.advanceToLoading(record.timestamp);
              host.task.globalUpdate(table.name, change.key, change.value, record.timestamp);
            }
          }
          for (const host of this.hosts.values()) await this.settle(host);
          await this.commitAll();
        }),
      );
    }
  }

  private noteGlobal(
    table: string,
    change: { key: string; value: unknown },
    record: { timestamp: number; offset: number },
  ): void {
    this.options.onGlobalRecord?.(table, {
      key: change.key,
      value: change.value ?? null,
      timestamp: record.timestamp,
      offset: record.offset,
    });
  }

  private async startConsumer(): Promise<void> {
    const { kafka, applicationId, instanceId, apiAddress } = this.options;
    this.consumer = kafka.consumer({
      groupId: applicationId,
      partitionAssigners: [copartitionedAssigner({ instanceId, apiAddress })],
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 1_000,
      // kafkajs heartbeats between fetches, so a fetch may not wait longer than a fraction of the session.
      maxWaitTimeInMs: Math.min(1_000, Math.floor((this.options.sessionTimeoutMs ?? 10_000) / 4)),
      readUncommitted: false,
      allowAutoTopicCreation: false,
    });
    this.consumer.on(this.consumer.events.REBALANCING, () => {
      this.rebalanceGeneration += 1;
      this.rebalanceInFlight = true;
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      const generation = this.rebalanceGeneration;
      void this.queue.run(() => this.reconcile(event.payload.memberAssignment));
      void this.refreshOwners().finally(() => {
        // A rebalance that began meanwhile keeps the flag up until its own join.
        if (generation === this.rebalanceGeneration) this.rebalanceInFlight = false;
      });
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.logger.error({ error: String(event.payload.error) }, 'consumer crashed');
    });
    await this.consumer.connect();
    for (const topic of this.plan.subscriptions)
      await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  // --- rebalances ------------------------------------------------------------------------------

  /** Opens the tasks of the new assignment (restoring them) and closes those no longer ours. */
  private async reconcile(memberAssignment: Record<string, number[]>): Promise<void> {
    const wanted = new Set<string>();
    for (const [topic, partitions] of Object.entries(memberAssignment)) {
      const source = this.plan.sourceOf.get(topic);
      if (source === undefined || source.fanOutOf !== undefined) continue;
      for (const partition of partitions)
        wanted.add(formatTaskId({ subTopology: source.subTopology, partition }));
    }
    const revoked = [...this.opening.keys()].filter((taskId) => !wanted.has(taskId));
    const assigned = [...wanted].filter((taskId) => !this.opening.has(taskId));
    for (const taskId of revoked) await this.closeTask(taskId, true);
    for (const taskId of assigned) void this.taskFor(taskId).catch(() => undefined);
    this.logger.info({ assigned, revoked, tasks: [...wanted] }, 'rebalance');
    this.options.onRebalance?.({ assigned, revoked });
  }

  /**
   * Reads who owns which partition from the group itself: every member's assignment carries the
   * whole map (see the co-partitioned assigner), so any one member's will do.
   */
  private async refreshOwners(): Promise<void> {
    try {
      const group = await this.consumer.describeGroup();
      for (const member of group.members) {
        const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        if (decoded !== null) {
          this.assignment = decodeAssignmentInfo(decoded.userData);
          return;
        }
      }
    } catch (error) {
      this.logger.warn(
        { error: errorMessage(error) },
        'cannot read partition owners from the group',
      );
    }
  }

  private taskFor(taskId: string): Promise<TaskHost> {
    let opening = this.opening.get(taskId);
    if (opening === undefined) {
      opening = this.openTask(taskId);
      this.opening.set(taskId, opening);
      opening.catch((error: unknown) => {
        this.opening.delete(taskId);
        this.logger.error({ taskId, error: errorMessage(error) }, 'task failed to open');
      });
    }
    return opening;
  }

  private async openTask(taskId: string): Promise<TaskHost> {
    const [subTopology, partition] = taskId.split('_').map(Number);
    const started = this.clock();
    // Opening the task's producer fences any earlier owner before its changelog is read.
    const channel = await this.channelFor(taskId);
    // Restoring can take long, so it runs beside processing; the processors' init then runs on the
    // queue, where no global-table update can slip between their reading the tables and going live.
    const host = await TaskHost.open({
      id: { subTopology, partition },
      applicationId: this.options.applicationId,
      topology: this.options.topology,
      stateDir: this.options.stateDir,
      openState: openTaskState,
      changelogReader: {
        read: (topic, p, from) => this.readChangelog(topic, p, from),
      },
      collector: channel.collector,
      timerStoreSpec: this.timerStore,
      resolveTopic: (topic, internal) => this.plan.resolve(topic, internal),
      partitionsFor: (topic) => this.partitionsFor(topic),
      globalStore: (name) => this.globals.store(name),
      wallClock: this.clock,
      onRestoreProgress: this.options.onRestoreProgress,
      deferInit: true,
    });
    if (this.guarantee === 'exactly_once') {
      // While the task runs its local state may get ahead of what is committed; only a clean close
      // writes a checkpoint again.
      await host.state.removeCheckpoint();
    }
    return this.queue.run(async () => {
      if (this.opening.get(taskId) === undefined) {
        await host.close({ commit: false });
        throw new RuntimeError(
          'TS_RUNTIME_TASK_REVOKED',
          `task ${taskId} was revoked while it restored`,
        );
      }
      await host.initialize();
      this.hosts.set(taskId, host);
      this.logger.info(
        { taskId, restored: host.restored, ms: this.clock() - started },
        'task restored',
      );
      return host;
    });
  }

  private async *readChangelog(topic: string, partition: number, fromOffset: number) {
    if (this.restoreReader === undefined) return;
    for await (const batch of this.restoreReader.read(topic, partition, fromOffset)) {
      yield batch.map((record) => ({
        key: record.key === null ? '' : record.key.toString('utf8'),
        value: record.value,
        offset: record.offset,
      }));
    }
  }

  /** Closes a running task; one still restoring notices it was dropped and closes itself. */
  private async closeTask(taskId: string, clean: boolean): Promise<void> {
    this.opening.delete(taskId);
    const host = this.hosts.get(taskId);
    this.hosts.delete(taskId);
    if (host !== undefined) {
      if (clean) await host.close({ commit: true });
      else await host.state.wipe();
    }
    await this.closeChannel(taskId);
  }

  /** The task's collector and producer; under exactly-once the producer is the task's own. */
  private async channelFor(key: string): Promise<TaskChannel> {
    let channel = this.channels.get(key);
    if (channel !== undefined) return channel;
    const collector = new KafkaCollector(this.options.deadLetterTopic, this.options.onDeadLetter);
    if (this.guarantee === 'exactly_once') {
      const producer = this.options.kafka.producer({
        transactionalId: `${this.options.applicationId}-${key}`,
        maxInFlightRequests: 1,
        idempotent: true,
      });
      await producer.connect();
      // kafkajs registers the transactional id (InitProducerId, which fences the previous owner)
      // only when a first transaction begins; begin and abort an empty one to fence now.
      const fence = await producer.transaction();
      await fence.abort();
      channel = { collector, producer, owned: true };
    } else {
      channel = { collector, producer: this.producer, owned: false };
    }
    this.channels.set(key, channel);
    return channel;
  }

  private async closeChannel(key: string): Promise<void> {
    const channel = this.channels.get(key);
    this.channels.delete(key);
    if (channel?.owned) await channel.producer.disconnect().catch(() => undefined);
  }

  private partitionsFor(topic: string): number {
    for (const requirement of this.plan.requirements)
      if (requirement.topic === topic) return requirement.partitions;
    const source = this.plan.sourceOf.get(topic);
    if (source !== undefined) return this.plan.tasks.get(source.subTopology) ?? 1;
    return Math.max(1, ...this.plan.tasks.values());
  }

  // --- processing ------------------------------------------------------------------------------

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const source = this.plan.sourceOf.get(batch.topic);
    if (source === undefined) return;
    // Waited for outside the queue: the task's last opening step runs on the queue.
    const host =
      source.fanOutOf === undefined
        ? await this.awaitTask(
            formatTaskId({ subTopology: source.subTopology, partition: batch.partition }),
            payload,
          )
        : undefined;
    if (host !== undefined && this.options.prepareBatch !== undefined) {
      await this.options.prepareBatch(batch.messages.map((message) => message.value));
    }
    const channelKey =
      host === undefined ? `fanout-${batch.topic}-${batch.partition}` : host.task.taskId;
    const channel = await this.channelFor(channelKey);
    await this.queue.run(async () => {
      if (host === undefined) {
        this.fanOut(channel.collector, batch.topic, batch.messages);
      } else {
        const records: ConsumedRecord[] = batch.messages.map((message) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: Number(message.offset),
          key: message.key,
          value: message.value,
          timestamp: Number(message.timestamp),
          headers: message.headers === undefined ? undefined : toHeaders(message.headers),
        }));
        const started = performance.now();
        await processBatch(host, records);
        await this.settle(host);
        this.options.onBatchProcessed?.({
          taskId: host.task.taskId,
          records: records.length,
          ms: performance.now() - started,
        });
      }
      const next = String(Number(batch.lastOffset()) + 1);
      await this.commitChannel(
        channelKey,
        host,
        new Map([[batch.topic, [{ partition: batch.partition, offset: next }]]]),
      );
      payload.resolveOffset(batch.lastOffset());
    });
    await payload.heartbeat();
  }

  /** Waits for a task to finish restoring, heartbeating so the group does not drop this member. */
  private async awaitTask(taskId: string, payload: EachBatchPayload): Promise<TaskHost> {
    const opening = this.taskFor(taskId);
    let done = false;
    void opening.finally(() => {
      done = true;
    });
    while (!done) {
      await Promise.race([
        opening.catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 1_000)),
      ]);
      if (!done) await payload.heartbeat();
    }
    return opening;
  }

  private fanOut(
    collector: KafkaCollector,
    topic: string,
    messages: EachBatchPayload['batch']['messages'],
  ): void {
    const target = this.plan.fanOut.get(topic) as string;
    const partitions = this.partitionsFor(target);
    for (const message of messages) {
      for (let partition = 0; partition < partitions; partition += 1) {
        collector.send({
          topic: target,
          partition,
          key: message.key,
          value: message.value,
          timestamp: Number(message.timestamp),
          headers: message.headers === undefined ? undefined : toHeaders(message.headers),
        });
      }
    }
  }

  /** Runs a task's background jobs (backfills, broadcasts) to the end. */
  private async settle(host: TaskHost): Promise<void> {
    while (host.task.hasBackgroundWork()) await host.task.runBackgroundStep();
  }

  private async punctuate(): Promise<void> {
    if (this.currentState !== 'running') return;
    await this.queue
      .run(async () => {
        const now = this.clock();
        for (const host of this.hosts.values()) {
          await host.task.punctuateWallClockLoading(now);
          await host.state.expire(host.task.streamTime(), now);
          await this.settle(host);
        }
        await this.commitAll();
      })
      .catch((error: unknown) =>
        this.logger.error({ error: errorMessage(error) }, 'wall-clock punctuation failed'),
      );
  }

  /** Commits every task (and fan-out copy) with pending output, without consumed offsets. */
  private async commitAll(): Promise<void> {
    for (const [key, channel] of [...this.channels]) {
      const host = this.hosts.get(key);
      if (host === undefined && channel.collector.size === 0) continue;
      await this.commitChannel(key, host, new Map());
    }
  }

  /**
   * Flushes the task's stores (their changelog records join its outputs), then sends everything
   * it produced with the offsets it consumed: one transaction on the task's own producer under
   * exactly-once. A producer fenced by a newer owner means the task moved: it is dropped here.
   */
  private async commitChannel(
    key: string,
    host: TaskHost | undefined,
    offsets: Map<string, { partition: number; offset: string }[]>,
  ): Promise<void> {
    const channel = this.channels.get(key);
    if (channel === undefined) return;
    const started = this.clock();
    if (host !== undefined) await host.state.flush();
    const records = channel.collector.size;
    if (records === 0 && offsets.size === 0) return;
    const topicMessages: TopicMessages[] = channel.collector.drain();
    const topics = [...offsets].map(([topic, partitions]) => ({ topic, partitions }));
    let written: RecordMetadata[] = [];
    try {
      if (this.guarantee === 'exactly_once') {
        const transaction = await channel.producer.transaction();
        try {
          if (topicMessages.length > 0) written = await transaction.sendBatch({ topicMessages });
          if (topics.length > 0)
            await transaction.sendOffsets({ consumerGroupId: this.options.applicationId, topics });
          await transaction.commit();
        } catch (error) {
          await transaction.abort().catch(() => undefined);
          throw error;
        }
      } else {
        if (topicMessages.length > 0) written = await channel.producer.sendBatch({ topicMessages });
        if (topics.length > 0)
          await this.consumer.commitOffsets(
            topics.flatMap(({ topic, partitions }) => partitions.map((p) => ({ topic, ...p }))),
          );
      }
    } catch (error) {
      const fenced = isFenced(error);
      this.logger.error(
        { task: key, error: errorMessage(error), records, fenced },
        'commit failed',
      );
      if (fenced) {
        // Another member owns the task now; its state here is stale and must not be trusted.
        this.hosts.delete(key);
        this.opening.delete(key);
        await host?.state.wipe().catch(() => undefined);
        await this.closeChannel(key);
      }
      throw new RuntimeError(
        fenced ? 'TS_RUNTIME_TASK_FENCED' : 'TS_RUNTIME_COMMIT_FAILED',
        fenced
          ? `task ${key} was taken over by another member; its uncommitted work is dropped`
          : `commit of ${records} records of ${key} failed: ${errorMessage(error)}`,
        { cause: error, retryable: true },
      );
    }
    if (host !== undefined) {
      this.noteChangelogOffsets(host, topicMessages, written);
      // At-least-once may checkpoint after every commit: a crash replays inputs, never loses state.
      if (this.guarantee === 'at_least_once')
        await host.state.writeCheckpoint(host.checkpointOffsets());
    }
    this.options.onCommit?.({ records, offsets: topics.length, ms: this.clock() - started });
  }

  /**
   * Tells each task the offset of the last changelog record it has committed per store, which a
   * clean close writes to the checkpoint: the broker answers with the first offset of each
   * partition's batch, and the batch holds as many records as were sent there.
   */
  private noteChangelogOffsets(
    host: TaskHost,
    sent: readonly TopicMessages[],
    written: readonly RecordMetadata[],
  ): void {
    if (written.length === 0) return;
    const counts = new Map<string, number>();
    for (const { topic, messages } of sent) {
      for (const message of messages) {
        const key = `${topic}/${message.partition ?? -1}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    const last = new Map<string, number>();
    for (const metadata of written) {
      const count = counts.get(`${metadata.topicName}/${metadata.partition}`);
      if (count === undefined || metadata.baseOffset === undefined) continue;
      last.set(
        `${metadata.topicName}/${metadata.partition}`,
        Number(metadata.baseOffset) + count - 1,
      );
    }
    for (const store of host.state.changelogStores()) {
      const offset = last.get(
        `${changelogTopic(this.options.applicationId, store)}/${host.task.partition}`,
      );
      if (offset !== undefined) host.changelogOffsets[store] = offset;
    }
  }

  private async shutdown(clean: boolean): Promise<void> {
    const closeChannels = async () => {
      for (const key of [...this.channels.keys()]) await this.closeChannel(key);
    };
    if (this.wallTimer !== undefined) clearInterval(this.wallTimer);
    await this.consumer?.disconnect().catch(() => undefined);
    await this.queue.run(async () => {
      if (clean && this.currentState !== 'failed') await this.commitAll().catch(() => undefined);
      for (const taskId of [...this.opening.keys()])
        await this.closeTask(taskId, clean).catch(() => undefined);
    });
    await this.globalReader?.stop().catch(() => undefined);
    await this.restoreReader?.stop().catch(() => undefined);
    await closeChannels();
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    await this.globals?.close().catch(() => undefined);
  }
}

/** kafkajs' word for "a producer with this transactional id and a newer epoch exists". */
function isFenced(error: unknown): boolean {
  for (
    let current: unknown = error;
    current !== undefined && current !== null;
    current = (current as { cause?: unknown }).cause
  ) {
    const type = (current as { type?: unknown }).type;
    if (type === 'INVALID_PRODUCER_EPOCH' || type === 'PRODUCER_FENCED') return true;
    if (/fenced|epoch/i.test(String((current as { message?: unknown }).message ?? ''))) return true;
    if (current === (current as { cause?: unknown }).cause) break;
  }
  return false;
}

export { changelogTopic };
