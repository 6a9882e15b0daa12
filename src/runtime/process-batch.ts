/**
 * The task's hot loop: a batch of records processed synchronously, with an await only when due
 * timers must be read from the store, a write cache is over its bound, or a chunk's read-ahead
 * is still running. Both the Kafka runtime and the in-process driver's batch path use it.
 */
import type { ConsumedRecord } from './records.js';
import type { PreparedRecord, StreamTask } from './stream-task.js';
import type { TaskHost } from './task-host.js';

/** Records decoded and read ahead for at a time. */
const READ_AHEAD_CHUNK = 500;

export async function processBatch(
  host: TaskHost,
  records: readonly ConsumedRecord[],
): Promise<void> {
  const task = host.task;
  const state = host.state;
  // In chunks: processors read ahead for the next chunk on the store's threads while this
  // thread processes the current one.
  let next = prepareChunk(task, records, 0);
  let reading = task.readAhead(next);
  for (let from = 0; from < records.length; from += READ_AHEAD_CHUNK) {
    const chunk = next;
    await reading;
    if (from + READ_AHEAD_CHUNK < records.length) {
      next = prepareChunk(task, records, from + READ_AHEAD_CHUNK);
      reading = task.readAhead(next);
    }
    for (let i = 0; i < chunk.length; i += 1) {
      const prepared = chunk[i];
      const timestamp = prepared.decoded.timestamp;
      if (!task.advanceTo(timestamp)) await task.advanceToLoading(timestamp);
      task.processPrepared(prepared);
      task.inputProcessed();
      if (state.needsFlush) await state.flush();
    }
  }
  await state.expire(task.streamTime(), task.wallClockTime());
}

/** Decodes the records of one chunk; those that do not decode go to the dead letters. */
function prepareChunk(
  task: StreamTask,
  records: readonly ConsumedRecord[],
  from: number,
): PreparedRecord[] {
  const to = Math.min(from + READ_AHEAD_CHUNK, records.length);
  const prepared: PreparedRecord[] = [];
  for (let i = from; i < to; i += 1) {
    const record = task.prepare(records[i]);
    if (record !== undefined) prepared.push(record);
  }
  return prepared;
}
