import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { BrokerState } from '../broker-state.js';
import type { Topic, TopicListener } from '../cluster/index.js';
import type { CommittedOffset } from '../group/index.js';
import type { OffsetPersistence } from '../group/index.js';
import { splitOffsetKey } from '../group/index.js';
import type { PartitionLog } from '../log/index.js';
import { BrokerStorageError } from '../errors.js';
import { readBatchHeader } from '../protocol/index.js';

interface TopicsFile {
  topics: { name: string; partitions: number; configs: Record<string, string> }[];
}

interface OffsetLine {
  g: string;
  t?: string;
  p?: number;
  o?: number;
  m?: string | null;
  deleted?: boolean;
}

/**
 * The data directory: `topics.json` (names, partition counts, configs), one append-only file per
 * partition holding its record batches exactly as Kafka lays them out on disk
 * (`logs/<topic>/<partition>.log`), and `offsets.jsonl`, one committed offset per line. Writes go
 * to the OS at once but are not fsynced: a crash of the machine can lose the tail, a crash of
 * the process cannot.
 */
export class DataDirStore implements TopicListener, OffsetPersistence {
  private readonly fds = new Map<string, number>();
  private offsetsFd = -1;

  constructor(
    private readonly dir: string,
    private readonly broker: BrokerState,
  ) {}

  private attempt<T>(path: string, action: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw new BrokerStorageError(path, action, error);
    }
  }

  /** Reads everything back, then starts recording. */
  open(): void {
    const logs = join(this.dir, 'logs');
    this.attempt(logs, 'create', () => mkdirSync(logs, { recursive: true }));
    const topicsPath = join(this.dir, 'topics.json');
    const file: TopicsFile = existsSync(topicsPath)
      ? this.attempt(
          topicsPath,
          'read',
          () => JSON.parse(readFileSync(topicsPath, 'utf8')) as TopicsFile,
        )
      : { topics: [] };
    const registry = this.broker.topics;
    for (const t of file.topics) {
      registry.create(t.name, t.partitions, 1, new Map(Object.entries(t.configs)));
      const topic = registry.get(t.name);
      if (topic !== undefined) for (const log of topic.partitions) this.restoreLog(log);
    }
    this.restoreOffsets();
    this.abortDanglingTransactions();
    registry.listener = this;
    this.broker.groups.persistence = this;
    for (const topic of registry.topics.values())
      for (const log of topic.partitions) this.attach(log);
    const offsetsPath = join(this.dir, 'offsets.jsonl');
    this.compactOffsets(offsetsPath);
    this.offsetsFd = this.attempt(offsetsPath, 'open', () => openSync(offsetsPath, 'a'));
  }

  /** Every commit appends a line; on start the file is rewritten with only the current offsets. */
  private compactOffsets(path: string): void {
    const lines: string[] = [];
    for (const group of this.broker.groups.groups.values()) {
      for (const [key, committed] of group.offsets) {
        const { topic, partition } = splitOffsetKey(key);
        const line: OffsetLine = {
          g: group.groupId,
          t: topic,
          p: partition,
          o: committed.offset,
          m: committed.metadata,
        };
        lines.push(JSON.stringify(line));
      }
    }
    this.attempt(path, 'rewrite', () => {
      writeFileSync(`${path}.tmp`, lines.length > 0 ? `${lines.join('\n')}\n` : '');
      renameSync(`${path}.tmp`, path);
    });
  }

  private logPath(topic: string, partition: number): string {
    return join(this.dir, 'logs', topic, `${partition}.log`);
  }

  private restoreLog(log: PartitionLog): void {
    const path = this.logPath(log.topic, log.partition);
    if (!existsSync(path)) return;
    const data = this.attempt(path, 'read', () => readFileSync(path));
    let at = 0;
    while (at + 61 <= data.length) {
      const size = data.readInt32BE(at + 8) + 12;
      if (size < 61 || at + size > data.length) break;
      log.restore(data.subarray(at, at + size));
      at += size;
    }
    if (at < data.length) {
      // A torn tail (the process died mid-write): drop it so appends continue from a whole batch.
      this.broker.options.logger('warn', 'truncating a torn record batch at the end of a log', {
        path,
        at,
        size: data.length,
      });
      const fd = this.attempt(path, 'open', () => openSync(path, 'r+'));
      this.attempt(path, 'truncate', () => ftruncateSync(fd, at));
      closeSync(fd);
    }
    for (const batch of log.batches) {
      const { producerId } = readBatchHeader(batch.data);
      if (producerId >= this.broker.txns.nextProducerId)
        this.broker.txns.nextProducerId = producerId + 1;
    }
  }

  private restoreOffsets(): void {
    const path = join(this.dir, 'offsets.jsonl');
    if (!existsSync(path)) return;
    const text = this.attempt(path, 'read', () => readFileSync(path, 'utf8'));
    for (const line of text.split('\n')) {
      if (line.length === 0) continue;
      let entry: OffsetLine;
      try {
        entry = JSON.parse(line) as OffsetLine;
      } catch {
        continue; // a torn last line
      }
      if (entry.deleted === true) this.broker.groups.groups.delete(entry.g);
      else if (entry.t !== undefined && entry.p !== undefined && entry.o !== undefined) {
        this.broker.groups.restoreOffset(entry.g, entry.t, entry.p, {
          offset: entry.o,
          metadata: entry.m ?? null,
        });
      }
    }
  }

  /**
   * Transaction coordinator state is not persisted, so a transaction still open in a log when the
   * broker stopped can never be finished: abort it, as its timeout would have.
   */
  private abortDanglingTransactions(): void {
    const now = this.broker.now();
    for (const topic of this.broker.topics.topics.values()) {
      for (const log of topic.partitions) {
        for (const producerId of [...log.openTxns.keys()]) {
          log.writeMarker(producerId, log.producers.currentEpoch(producerId) ?? 0, false, now);
          const marker = log.batches[log.batches.length - 1].data;
          const path = this.logPath(log.topic, log.partition);
          const fd = this.attempt(path, 'open', () => openSync(path, 'a'));
          this.attempt(path, 'append to', () => writeSync(fd, marker));
          closeSync(fd);
        }
      }
    }
  }

  private attach(log: PartitionLog): void {
    const dir = join(this.dir, 'logs', log.topic);
    const path = this.logPath(log.topic, log.partition);
    this.attempt(dir, 'create', () => mkdirSync(dir, { recursive: true }));
    const fd = this.attempt(path, 'open', () => openSync(path, 'a'));
    this.fds.set(path, fd);
    log.listener = (data) => {
      this.attempt(path, 'append to', () => writeSync(fd, data));
    };
  }

  private writeTopics(): void {
    const file: TopicsFile = {
      topics: [...this.broker.topics.topics.values()].map((t) => ({
        name: t.name,
        partitions: t.partitions.length,
        configs: Object.fromEntries(t.configs),
      })),
    };
    const path = join(this.dir, 'topics.json');
    this.attempt(path, 'write', () => {
      writeFileSync(`${path}.tmp`, JSON.stringify(file, null, 2));
      renameSync(`${path}.tmp`, path);
    });
  }

  topicCreated(_topic: Topic): void {
    this.writeTopics();
  }

  partitionCreated(log: PartitionLog): void {
    this.attach(log);
  }

  topicDeleted(name: string): void {
    for (const [path, fd] of this.fds) {
      if (path.startsWith(join(this.dir, 'logs', name, '/'))) {
        closeSync(fd);
        this.fds.delete(path);
      }
    }
    const dir = join(this.dir, 'logs', name);
    this.attempt(dir, 'remove', () => rmSync(dir, { recursive: true, force: true }));
    this.writeTopics();
  }

  committed(groupId: string, topic: string, partition: number, committed: CommittedOffset): void {
    const line: OffsetLine = {
      g: groupId,
      t: topic,
      p: partition,
      o: committed.offset,
      m: committed.metadata,
    };
    writeSync(this.offsetsFd, `${JSON.stringify(line)}\n`);
  }

  groupDeleted(groupId: string): void {
    writeSync(this.offsetsFd, `${JSON.stringify({ g: groupId, deleted: true })}\n`);
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    if (this.offsetsFd >= 0) closeSync(this.offsetsFd);
    this.offsetsFd = -1;
  }
}
