/**
 * Liveness and readiness: /healthz answers while the process serves HTTP; /readyz only once the
 * engine runs and every task it owns has restored its state.
 */
import type { FastifyInstance } from 'fastify';

export interface EngineStatus {
  readonly state: string;
  tasks(): { taskId: string; state: 'restoring' | 'running' }[];
}

export function registerHealthRoutes(
  app: FastifyInstance,
  engine: () => EngineStatus | undefined,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const current = engine();
    const tasks = current?.tasks() ?? [];
    const restoring = tasks.filter((task) => task.state === 'restoring').map((task) => task.taskId);
    const ready = current !== undefined && current.state === 'running' && restoring.length === 0;
    return reply
      .code(ready ? 200 : 503)
      .send({ ready, state: current?.state ?? 'starting', tasks: tasks.length, restoring });
  });
}
