/**
 * The parent's handle on one instance running in a child process (instance.ts): what it reported,
 * requests over IPC, clean stop (SIGTERM) and `kill -9`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProcessingGuarantee } from '../../../../src/runtime/index.js';
import { TEST_TUNING } from './client-tuning.js';
import type { ClientTuning } from './client-tuning.js';
import type { InstanceMessage, InstanceRequest } from './instance.js';
import { waitFor } from './wait.js';

const SCRIPT = fileURLToPath(new URL('./instance.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export const SESSION_TIMEOUT_MS = 3_000;
export const HEARTBEAT_INTERVAL_MS = 300;

export interface ChildInstanceOptions {
  brokers: string[];
  instanceId: string;
  stateDir: string;
  guarantee?: ProcessingGuarantee;
  /** Defaults to TEST_TUNING; `{}` runs the runtime with kafkajs' own defaults. */
  tuning?: ClientTuning;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
}

/** The parent's environment minus node:test's marker, which would make the child act as a test file. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

export class ChildInstance {
  readonly messages: InstanceMessage[] = [];
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private stderr = '';

  private constructor(
    readonly instanceId: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: InstanceMessage) => this.messages.push(message));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    child.on('exit', (code, signal) => {
      this.exit = { code, signal };
    });
  }

  static spawn(options: ChildInstanceOptions): ChildInstance {
    const tuning = options.tuning ?? TEST_TUNING;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        SCRIPT,
        options.brokers.join(','),
        options.instanceId,
        options.stateDir,
        options.guarantee ?? 'exactly_once',
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        env: {
          ...childEnv(),
          TS_TEST_TXN_TIMEOUT_MS: String(tuning.transactionTimeoutMs ?? ''),
          TS_TEST_FETCH_MAX_WAIT_MS: String(tuning.fetchMaxWaitMs ?? ''),
          TS_TEST_SESSION_TIMEOUT_MS: String(options.sessionTimeoutMs ?? SESSION_TIMEOUT_MS),
          TS_TEST_HEARTBEAT_MS: String(options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS),
        },
      },
    );
    return new ChildInstance(options.instanceId, child);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get exited(): boolean {
    return this.exit !== undefined;
  }

  async started(timeoutMs = 30_000): Promise<void> {
    await waitFor(() => this.has((m) => m.type === 'started') || this.failure() !== undefined, {
      timeoutMs,
      what: `instance ${this.instanceId} to start`,
    });
    const failure = this.failure();
    if (failure !== undefined) throw new Error(`instance ${this.instanceId} failed: ${failure}`);
  }

  has(predicate: (message: InstanceMessage) => boolean): boolean {
    return this.messages.some(predicate);
  }

  /** Log lines with this message, in order. */
  logs(message: string): Record<string, unknown>[] {
    return this.messages.flatMap((m) =>
      m.type === 'log' && m.message === message ? [m.fields] : [],
    );
  }

  async tasks(): Promise<string[]> {
    const reply = await this.request({ type: 'tasks' }, 'tasks');
    return reply.type === 'tasks' ? reply.tasks.map((task) => task.taskId).sort() : [];
  }

  /** SIGTERM, then waits for a clean exit. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.exited) return;
    this.child.kill('SIGTERM');
    await waitFor(() => this.exited, { timeoutMs, what: `instance ${this.instanceId} to stop` });
    if (this.exit?.code !== 0)
      throw new Error(
        `instance ${this.instanceId} exited with ${JSON.stringify(this.exit)}: ${this.stderr}`,
      );
  }

  /** `kill -9`: no shutdown hook, no flush, no commit, open transactions left open. */
  async kill(): Promise<void> {
    if (this.exited) return;
    process.kill(this.pid, 'SIGKILL');
    await waitFor(() => this.exited, {
      timeoutMs: 10_000,
      what: `instance ${this.instanceId} to die`,
    });
  }

  /** SIGSTOP: the process stays connected but silent, like a member stuck in a long GC pause. */
  pause(): void {
    process.kill(this.pid, 'SIGSTOP');
  }

  resume(): void {
    if (!this.exited) process.kill(this.pid, 'SIGCONT');
  }

  private failure(): string | undefined {
    for (const message of this.messages) if (message.type === 'failed') return message.error;
    if (this.exit !== undefined) return `exited early ${JSON.stringify(this.exit)}: ${this.stderr}`;
    return undefined;
  }

  private async request(
    request: InstanceRequest,
    type: InstanceMessage['type'],
  ): Promise<InstanceMessage> {
    const before = this.messages.length;
    this.child.send(request);
    await waitFor(() => this.messages.slice(before).some((m) => m.type === type), {
      timeoutMs: 10_000,
      what: `${type} from ${this.instanceId}`,
    });
    return this.messages.slice(before).find((m) => m.type === type) as InstanceMessage;
  }
}
