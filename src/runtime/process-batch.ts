/**
 * The task's hot loop: a batch of records processed synchronously, with an await only when due
 * timers must be read from the store or a write cache is over its bound. Both the Kafka runtime
 * and the in-process driver's batch path use it.
 */
import type { ConsumedRecord } from './records.js';
import type { TaskHost } from './task-host.js';

export async function processBatch(
  host: TaskHost,
  records: readonly ConsumedRecord[],
): Promise<void> {
  const task = host.task;
  const state = host.state;
  for (let i = 0; i < records.length; i += 1) {
    const prepared = task.prepare(records[i]);
    if (prepared === undefined) continue;
    const timestamp = prepared.decoded.timestamp;
    if (!task.advanceTo(timestamp)) await task.advanceToLoading(timestamp);
    task.processPrepared(prepared);
    task.inputProcessed();
    if (state.needsFlush) await state.flush();
  }
  await state.expire(task.streamTime(), task.wallClockTime());
}
