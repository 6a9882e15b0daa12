/** The parent's handle on one delivery worker running in a child process (worker-child.ts). */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../../runtime/kafka/support/wait.js';
import type { ChildConfig } from './worker-child.js';

const SCRIPT = fileURLToPath(new URL('./worker-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

interface ChildMessage {
  type: 'started' | 'log';
  level?: string;
  message?: string;
  fields?: Record<string, unknown>;
}

export class ChildWorker {
  readonly messages: ChildMessage[] = [];
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #stderr = '';

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: ChildMessage) => this.messages.push(message));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString('utf8');
    });
    child.on('exit', (code, signal) => {
      this.#exit = { code, signal };
    });
  }

  static async spawn(config: ChildConfig): Promise<ChildWorker> {
    const env: NodeJS.ProcessEnv = { ...process.env, TS_DELIVERY_CHILD: JSON.stringify(config) };
    // node:test's marker would make the child act as a test file.
    delete env.NODE_TEST_CONTEXT;
    const worker = new ChildWorker(
      spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        env,
      }),
    );
    await waitFor(
      () => worker.messages.some((m) => m.type === 'started') || worker.#exit !== undefined,
      {
        timeoutMs: 60_000,
        what: `delivery worker ${config.instanceId} to join its group`,
      },
    );
    if (worker.#exit !== undefined)
      throw new Error(
        `worker ${config.instanceId} exited early ${JSON.stringify(worker.#exit)}: ${worker.#stderr}`,
      );
    return worker;
  }

  /** Log lines the child reported (warn and error), for the test's diagnostics. */
  logs(): ChildMessage[] {
    return this.messages.filter((m) => m.type === 'log');
  }

  /** `kill -9`: no shutdown, no commit, claims and leases left as they are. */
  async kill(): Promise<void> {
    if (this.#exit !== undefined) return;
    this.child.kill('SIGKILL');
    await waitFor(() => this.#exit !== undefined, { timeoutMs: 10_000, what: 'the worker to die' });
  }

  async stop(): Promise<void> {
    if (this.#exit !== undefined) return;
    this.child.kill('SIGTERM');
    await waitFor(() => this.#exit !== undefined, {
      timeoutMs: 30_000,
      what: 'the worker to stop',
    });
  }
}
