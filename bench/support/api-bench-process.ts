/**
 * The parent's handle on one touchstream instance running bench/support/api-bench-instance.ts in
 * its own Node process, so the engine and its HTTP server have a process (and an event loop) of
 * their own, apart from the broker and the load generator.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { ApiInstanceMessage, ApiInstanceRequest } from './api-bench-instance.js';

const INSTANCE_ENTRY = new URL('./api-bench-instance.ts', import.meta.url).pathname;

type Started = Extract<ApiInstanceMessage, { type: 'started' }>;
type Owners = Extract<ApiInstanceMessage, { type: 'owners' }>;

export class ApiInstanceProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private readonly startedAnswer: Promise<Started>;
  private ownersWaiters: ((answer: Owners) => void)[] = [];

  /** `overrides` are config overrides as `loadConfig` takes them (instanceId among them). */
  constructor(
    readonly id: string,
    overrides: Record<string, unknown>,
  ) {
    this.child = fork(INSTANCE_ENTRY, [JSON.stringify({ ...overrides, instanceId: id })], {
      execArgv: ['--max-old-space-size=4096', '--import', 'tsx'],
      // The child's stdout goes to our stderr: the bench runner reads results from our stdout.
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.startedAnswer = new Promise((resolve, reject) => {
      this.child.on('message', (raw) => {
        const message = raw as ApiInstanceMessage;
        if (message.type === 'started') resolve(message);
        else if (message.type === 'failed')
          reject(new Error(`instance ${id} failed to start: ${message.error}`));
        else if (message.type === 'owners') {
          const waiters = this.ownersWaiters;
          this.ownersWaiters = [];
          for (const waiter of waiters) waiter(message);
        }
      });
      void this.exited.then((code) =>
        reject(new Error(`instance ${id} exited (${code}) before it started`)),
      );
    });
    // Whoever awaits started() sees the failure; this keeps an early one from going unhandled.
    this.startedAnswer.catch(() => undefined);
  }

  /** Resolves once the app (engine and HTTP server) runs; its API address and events topic. */
  async started(timeoutMs = 120_000): Promise<Started> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`instance ${this.id}: not started within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.startedAnswer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The engine's state and partition -> API address of its owner, from its last rebalance. */
  owners(): Promise<Owners> {
    return new Promise((resolve, reject) => {
      if (this.child.exitCode !== null) {
        reject(new Error(`instance ${this.id} has exited`));
        return;
      }
      this.ownersWaiters.push(resolve);
      void this.exited.then(() => reject(new Error(`instance ${this.id} exited`)));
      this.child.send({ type: 'owners?' } satisfies ApiInstanceRequest);
    });
  }

  /** SIGTERM (the app stops cleanly) and waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** Sum of a counter's series in a Prometheus text exposition, e.g. records processed by task. */
export function sumCounter(exposition: string, name: string): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Records processed so far by one instance's engine, read from its /metrics. */
export async function recordsProcessed(apiAddress: string): Promise<number> {
  const response = await fetch(`${apiAddress}/metrics`);
  if (response.status !== 200) throw new Error(`${apiAddress}/metrics answered ${response.status}`);
  return sumCounter(await response.text(), 'touchstream_records_processed_total');
}
