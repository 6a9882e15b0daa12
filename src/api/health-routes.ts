/**
 * Liveness and readiness: /healthz answers while the process serves HTTP; /readyz only once the
 * engine runs, knows its assignment (no rebalance in flight) and every task it owns has restored
 * its state. A 503 names the tasks still restoring and carries a Retry-After.
 */
import type { FastifyInstance } from 'fastify';

export interface EngineStatus {
  readonly state: string;
  /** A rebalance runs, or none has completed since start (absent: never). */
  readonly rebalancing?: boolean;
  tasks(): { taskId: string; state: 'restoring' | 'running' }[];
}

const RETRY_AFTER_SECONDS = 1;

const readinessShape = {
  type: 'object',
  properties: {
    ready: { type: 'boolean' },
    state: { type: 'string', description: 'The engine: starting, running, stopping, ...' },
    rebalancing: { type: 'boolean' },
    tasks: { type: 'integer', description: 'Tasks this instance owns' },
    restoring: { type: 'array', items: { type: 'string' }, description: 'Tasks still restoring' },
  },
} as const;

export function registerHealthRoutes(
  app: FastifyInstance,
  engine: () => EngineStatus | undefined,
): void {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['health'],
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
      },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: every task of this instance restored and running',
        tags: ['health'],
        response: { 200: readinessShape, 503: readinessShape },
      },
    },
    async (_request, reply) => {
      const current = engine();
      const tasks = current?.tasks() ?? [];
      const restoring = tasks
        .filter((task) => task.state === 'restoring')
        .map((task) => task.taskId);
      const rebalancing = current?.rebalancing === true;
      const ready =
        current !== undefined &&
        current.state === 'running' &&
        !rebalancing &&
        restoring.length === 0;
      if (!ready) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return reply.code(ready ? 200 : 503).send({
        ready,
        state: current?.state ?? 'starting',
        rebalancing,
        tasks: tasks.length,
        restoring,
      });
    },
  );
}
