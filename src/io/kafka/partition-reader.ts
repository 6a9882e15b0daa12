/**
 * Reads chosen partitions from chosen offsets, which kafkajs (group consumers only, no manual
 * assignment) does not offer directly: one consumer in a group of its own, subscribed to every
 * topic it may read, with all partitions paused; a read seeks and resumes just the partition it
 * needs and pauses it again at the end. Restores (changelogs) and global tables use it.
 *
 * The end of a partition is its log-end offset taken when the read starts. Transaction markers
 * occupy offsets but are never delivered, so a read also ends when the partition has been quiet
 * for `idleMs` with at most one offset (a marker) left before that end.
 */
import type { Consumer, EachBatchPayload, IHeaders, Kafka } from 'kafkajs';
import { IoError } from './errors.js';
import { endOffsets } from './topic-admin.js';

export interface ReadRecord {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers: Record<string, string>;
}

export interface PartitionReaderOptions {
  groupId: string;
  topics: readonly string[];
  /** Skip records of aborted transactions (default true). */
  readCommitted?: boolean;
  idleMs?: number;
}

interface Waiter {
  queue: ReadRecord[][];
  wake: (() => void) | undefined;
  lastActivity: number;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export function toHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return out;
}

export class PartitionReader {
  private readonly waiters = new Map<string, Waiter>();
  private readonly followers = new Map<
    string,
    (records: ReadRecord[], partition: number) => Promise<void> | void
  >();
  private readonly idleMs: number;

  private constructor(
    private readonly kafka: Kafka,
    private readonly consumer: Consumer,
    private readonly topics: readonly string[],
    idleMs: number,
  ) {
    this.idleMs = idleMs;
  }

  static async start(kafka: Kafka, options: PartitionReaderOptions): Promise<PartitionReader> {
    const consumer = kafka.consumer({
      groupId: options.groupId,
      readUncommitted: options.readCommitted === false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      // Short fetch waits: a partition resumed for a read or a follow is fetched promptly.
      maxWaitTimeInMs: 200,
      allowAutoTopicCreation: false,
    });
    const reader = new PartitionReader(kafka, consumer, options.topics, options.idleMs ?? 500);
    await consumer.connect();
    for (const topic of options.topics) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: (payload) => reader.onBatch(payload),
    });
    // pause needs a running consumer; whatever is fetched before it lands is dropped by onBatch.
    consumer.pause(options.topics.map((topic) => ({ topic })));
    return reader;
  }

  /** Records of one partition from `fromOffset` to the end it has now, in batches. */
  async *read(topic: string, partition: number, fromOffset: number): AsyncIterable<ReadRecord[]> {
    if (!this.topics.includes(topic)) {
      throw new IoError('TS_IO_NOT_SUBSCRIBED', `this reader was not started for topic ${topic}`);
    }
    const admin = this.kafka.admin();
    await admin.connect();
    let end: number;
    try {
      end = (await endOffsets(admin, topic)).get(partition) ?? 0;
    } finally {
      await admin.disconnect();
    }
    if (fromOffset >= end) return;
    const waiter: Waiter = { queue: [], wake: undefined, lastActivity: Date.now() };
    this.waiters.set(key(topic, partition), waiter);
    try {
      this.consumer.seek({ topic, partition, offset: String(fromOffset) });
      this.consumer.resume([{ topic, partitions: [partition] }]);
      let position = fromOffset;
      for (;;) {
        const batch = waiter.queue.shift();
        if (batch !== undefined) {
          const inRange = batch.filter(
            (record) => record.offset >= position && record.offset < end,
          );
          if (inRange.length > 0) {
            position = inRange[inRange.length - 1].offset + 1;
            yield inRange;
          }
          if (position >= end) return;
          continue;
        }
        const quiet = Date.now() - waiter.lastActivity;
        if (quiet >= this.idleMs && position >= end - 1) return;
        if (quiet >= this.idleMs * 20) return; // an aborted transaction's tail: nothing more will come
        await new Promise<void>((resolve) => {
          waiter.wake = resolve;
          setTimeout(resolve, this.idleMs);
        });
        waiter.wake = undefined;
      }
    } finally {
      this.waiters.delete(key(topic, partition));
      if (!this.followers.has(topic)) this.consumer.pause([{ topic, partitions: [partition] }]);
    }
  }

  /** Keeps delivering every new record of the topic's partitions (after they were read to the end). */
  follow(
    topic: string,
    partitions: readonly number[],
    handler: (records: ReadRecord[], partition: number) => Promise<void> | void,
  ): void {
    this.followers.set(topic, handler);
    this.consumer.resume([{ topic, partitions: [...partitions] }]);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async onBatch({ batch }: EachBatchPayload): Promise<void> {
    const records: ReadRecord[] = batch.messages.map((message) => ({
      offset: Number(message.offset),
      key: message.key,
      value: message.value,
      timestamp: Number(message.timestamp),
      headers: toHeaders(message.headers),
    }));
    const waiter = this.waiters.get(key(batch.topic, batch.partition));
    if (waiter !== undefined) {
      waiter.lastActivity = Date.now();
      if (records.length > 0) waiter.queue.push(records);
      waiter.wake?.();
      return;
    }
    const follower = this.followers.get(batch.topic);
    if (follower !== undefined && records.length > 0) await follower(records, batch.partition);
  }
}
