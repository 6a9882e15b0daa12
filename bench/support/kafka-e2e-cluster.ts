/**
 * Helpers of bench/kafka-end-to-end.ts: engine instances as child processes, bulk producing, and
 * waiting for a consumer group's committed offsets to reach the end of a topic.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Admin, Message, Producer } from 'kafkajs';
import type { E2eInstanceMessage } from './kafka-e2e-instance.js';

const INSTANCE_ENTRY = new URL('./kafka-e2e-instance.ts', import.meta.url).pathname;

export interface EngineProcessOptions {
  brokers: string[];
  applicationId: string;
  instanceId: string;
  stateDir: string;
  /** Where --cpu-prof writes the profile on a clean stop; no profiling when absent. */
  cpuProfDir?: string;
  onLog?(message: Extract<E2eInstanceMessage, { type: 'log' }>): void;
}

export type Progress = Extract<E2eInstanceMessage, { type: 'progress' }>;

/** One KafkaStreams instance in its own Node process. */
export class EngineProcess {
  readonly messages: E2eInstanceMessage[] = [];
  progress: Progress = {
    type: 'progress',
    records: 0,
    batches: 0,
    batchMs: 0,
    firstAt: 0,
    lastAt: 0,
    commits: 0,
    commitMs: 0,
  };
  readonly spawnedAt = Date.now();
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private readonly waiters: {
    test: (message: E2eInstanceMessage) => boolean;
    resolve: (message: E2eInstanceMessage) => void;
  }[] = [];

  constructor(private readonly options: EngineProcessOptions) {
    const execArgv = ['--max-old-space-size=6144', '--import', 'tsx'];
    if (options.cpuProfDir !== undefined)
      execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
    this.child = fork(
      INSTANCE_ENTRY,
      [options.brokers.join(','), options.applicationId, options.instanceId, options.stateDir],
      {
        execArgv,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.on('message', (raw) => this.receive(raw as E2eInstanceMessage));
  }

  get id(): string {
    return this.options.instanceId;
  }

  /** Resolves with the first message (already received or still to come) that passes the test. */
  waitFor(
    test: (message: E2eInstanceMessage) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<E2eInstanceMessage> {
    const seen = this.messages.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`instance ${this.id}: no ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        test,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
      void this.exited.then((code) =>
        reject(new Error(`instance ${this.id} exited (${code}) before ${what}`)),
      );
    });
  }

  async started(timeoutMs = 120_000): Promise<void> {
    const message = await this.waitFor(
      (m) => m.type === 'started' || m.type === 'failed',
      timeoutMs,
      'start',
    );
    if (message.type === 'failed')
      throw new Error(`instance ${this.id} failed to start: ${message.error}`);
  }

  /** Logged 'task restored' lines so far. */
  restoredTasks(): { taskId: string; restored: Record<string, number>; ms: number }[] {
    return this.messages
      .filter(
        (m): m is Extract<E2eInstanceMessage, { type: 'log' }> =>
          m.type === 'log' && m.message === 'task restored',
      )
      .map((m) => m.fields as { taskId: string; restored: Record<string, number>; ms: number });
  }

  /** The tasks of the last rebalance this instance logged. */
  lastTasks(): string[] {
    const rebalances = this.messages.filter((m) => m.type === 'log' && m.message === 'rebalance');
    const last = rebalances.at(-1);
    return last?.type === 'log' ? ((last.fields.tasks as string[] | undefined) ?? []) : [];
  }

  /** SIGTERM (a clean stop, which also writes the CPU profile) and waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }

  private receive(message: E2eInstanceMessage): void {
    if (message.type === 'progress') {
      this.progress = message;
      return;
    }
    if (message.type === 'log' && message.level !== 'info') this.options.onLog?.(message);
    this.messages.push(message);
    for (let i = this.waiters.length - 1; i >= 0; i -= 1) {
      if (this.waiters[i].test(message)) {
        this.waiters[i].resolve(message);
        this.waiters.splice(i, 1);
      }
    }
  }
}

/** Sends messages in batches of `batchSize`, keeping up to `inFlight` sends outstanding. */
export async function produceAll(
  producer: Producer,
  topic: string,
  messages: Iterable<Message>,
  batchSize: number,
  inFlight: number,
): Promise<number> {
  const pending = new Set<Promise<unknown>>();
  let batch: Message[] = [];
  let count = 0;
  const flush = async () => {
    const sending = producer.send({ topic, messages: batch, acks: -1 });
    batch = [];
    pending.add(sending);
    void sending.finally(() => pending.delete(sending));
    if (pending.size >= inFlight) await Promise.race(pending);
  };
  for (const message of messages) {
    batch.push(message);
    count += 1;
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  await Promise.all(pending);
  return count;
}

/** Log-end offset of every partition of a topic. */
export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  const ends = new Map<number, number>();
  for (const { partition, high } of await admin.fetchTopicOffsets(topic))
    ends.set(partition, Number(high));
  return ends;
}

/**
 * Polls the group's committed offsets until every partition has reached `targets`; returns the
 * moment it saw them there (so the figure is late by at most one poll interval).
 */
export async function waitCommitted(
  admin: Admin,
  groupId: string,
  topic: string,
  targets: Map<number, number>,
  timeoutMs: number,
  pollMs = 200,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const done = [...targets].every(([partition, target]) => {
      const entry = committed?.partitions.find((p) => p.partition === partition);
      return target === 0 || (entry !== undefined && Number(entry.offset) >= target);
    });
    if (done) return Date.now();
    if (Date.now() > deadline)
      throw new Error(
        `group ${groupId} did not commit ${topic} to ${JSON.stringify([...targets])} within ${timeoutMs} ms`,
      );
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Every rule of every JSON file in a folder, keyed by rule id (as the CLI publishes them). */
export async function ruleMessages(directory: string): Promise<Message[]> {
  const files = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
  const messages: Message[] = [];
  for (const file of files) {
    const parsed = JSON.parse(await readFile(join(directory, file), 'utf8')) as unknown;
    for (const rule of Array.isArray(parsed) ? parsed : [parsed])
      messages.push({ key: String((rule as { id?: unknown }).id), value: JSON.stringify(rule) });
  }
  return messages;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
