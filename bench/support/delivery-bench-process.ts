/** The parent's handle on one delivery worker running bench/support/delivery-bench-worker.ts. */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { DeliveryWorkerConfig } from './delivery-bench-setup.js';
import type { WorkerMessage, WorkerRequest, WorkerStats } from './delivery-bench-worker.js';

const WORKER_ENTRY = new URL('./delivery-bench-worker.ts', import.meta.url).pathname;

type Started = Extract<WorkerMessage, { type: 'started' }>;
type Log = Extract<WorkerMessage, { type: 'log' }>;

export class DeliveryWorkerProcess {
  readonly spawnedAt = Date.now();
  readonly logs: Log[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private readonly startedAnswer: Promise<Started>;
  private statsWaiters: ((stats: WorkerStats) => void)[] = [];

  /** `cpuProfDir`: where --cpu-prof writes the worker's profile when it stops; none when absent. */
  constructor(
    readonly id: string,
    config: DeliveryWorkerConfig,
    onLog: (id: string, log: Log) => void,
    cpuProfDir?: string,
  ) {
    const execArgv = ['--max-old-space-size=4096', '--import', 'tsx'];
    if (cpuProfDir !== undefined) execArgv.push('--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`);
    this.child = fork(WORKER_ENTRY, [JSON.stringify(config)], {
      execArgv,
      // The child's stdout goes to our stderr: the bench runner reads results from our stdout.
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.startedAnswer = new Promise((resolve, reject) => {
      this.child.on('message', (raw) => {
        const message = raw as WorkerMessage;
        if (message.type === 'started') resolve(message);
        else if (message.type === 'failed')
          reject(new Error(`delivery worker ${id} failed to start: ${message.error}`));
        else if (message.type === 'log') {
          this.logs.push(message);
          onLog(id, message);
        } else if (message.type === 'stats') {
          const { type: _type, ...stats } = message;
          const waiters = this.statsWaiters;
          this.statsWaiters = [];
          for (const waiter of waiters) waiter(stats);
        }
      });
      void this.exited.then((code) =>
        reject(new Error(`delivery worker ${id} exited (${code}) before it joined its group`)),
      );
    });
    // Whoever awaits started() sees the failure; this keeps an early one from going unhandled.
    this.startedAnswer.catch(() => undefined);
  }

  /** Resolves once the worker has joined the consumer group. */
  async started(timeoutMs = 120_000): Promise<Started> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`delivery worker ${this.id}: not started within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.startedAnswer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  stats(): Promise<WorkerStats> {
    return new Promise((resolve, reject) => {
      if (this.child.exitCode !== null) {
        reject(new Error(`delivery worker ${this.id} has exited`));
        return;
      }
      this.statsWaiters.push(resolve);
      void this.exited.then(() => reject(new Error(`delivery worker ${this.id} exited`)));
      this.child.send({ type: 'stats?' } satisfies WorkerRequest);
    });
  }

  /** SIGTERM (the worker stops cleanly) and waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }
}
