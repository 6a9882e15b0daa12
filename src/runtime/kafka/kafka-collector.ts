/**
 * Collects what tasks produce between two commits, ready to go out in one transaction (or one
 * send, at-least-once): outputs, changelog records and dead letters.
 */
import type { Message, TopicMessages } from 'kafkajs';
import type { DeadLetter, ProducedRecord, RecordCollector } from '../records.js';

export interface DeadLetterValue {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  code: string;
  message: string;
  node: string;
  taskId: string;
  /** The record's value as base64, so bytes that are not text survive the JSON. */
  value: string | null;
  key: string | null;
}

export class KafkaCollector implements RecordCollector {
  private readonly pending = new Map<string, Message[]>();
  private count = 0;

  constructor(
    private readonly deadLetterTopic: string,
    private readonly onDeadLetter?: (letter: DeadLetter) => void,
  ) {}

  send(record: ProducedRecord): undefined {
    this.push(record.topic, {
      key:
        record.key === null
          ? null
          : Buffer.from(record.key.buffer, record.key.byteOffset, record.key.byteLength),
      value:
        record.value === null
          ? null
          : Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength),
      partition: record.partition,
      timestamp: String(record.timestamp),
      headers: record.headers === undefined ? undefined : { ...record.headers },
    });
    return undefined;
  }

  deadLetter(letter: DeadLetter): void {
    this.onDeadLetter?.(letter);
    const value: DeadLetterValue = {
      topic: letter.topic,
      partition: letter.partition,
      offset: letter.offset,
      timestamp: letter.timestamp,
      code: letter.code,
      message: letter.message,
      node: letter.node,
      taskId: letter.taskId,
      key: letter.key === null ? null : Buffer.from(letter.key).toString('base64'),
      value: letter.value === null ? null : Buffer.from(letter.value).toString('base64'),
    };
    this.push(this.deadLetterTopic, {
      key: `${letter.topic}/${letter.partition}/${letter.offset}`,
      value: JSON.stringify(value),
      timestamp: String(Number.isFinite(letter.timestamp) ? letter.timestamp : Date.now()),
      headers: { 'touchstream.error.code': letter.code },
    });
  }

  get size(): number {
    return this.count;
  }

  /** Everything collected since the last drain, grouped by topic, and forgets it. */
  drain(): TopicMessages[] {
    const out = [...this.pending].map(([topic, messages]) => ({ topic, messages }));
    this.pending.clear();
    this.count = 0;
    return out;
  }

  private push(topic: string, message: Message): void {
    let messages = this.pending.get(topic);
    if (messages === undefined) {
      messages = [];
      this.pending.set(topic, messages);
    }
    messages.push(message);
    this.count += 1;
  }
}
