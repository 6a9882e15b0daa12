import { Socket } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from 'kafkajs';
import { startEmbeddedKafka } from '../../../src/embedded/index.js';
import type { EmbeddedKafka, EmbeddedKafkaOptions } from '../../../src/embedded/index.js';
import { Reader, Writer } from '../../../src/embedded/broker/protocol/index.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

export async function startBroker(options: EmbeddedKafkaOptions = {}): Promise<EmbeddedKafka> {
  return startEmbeddedKafka({ ...options });
}

/** A kafkajs client with fast retries and no log noise. */
export function kafkaFor(broker: EmbeddedKafka, config: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'broker-test',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 50, retries: 8 },
    ...config,
  });
}

let topicCounter = 0;
export function uniqueTopic(prefix = 'topic'): string {
  topicCounter++;
  return `${prefix}-${process.pid}-${topicCounter}`;
}

/** Resolves when `predicate` holds, checking after each event instead of sleeping a fixed time. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A bare protocol client for frames kafkajs would never send. Responses are matched to
 * requests by order (which the broker must preserve) and checked by correlation id.
 */
export class RawClient {
  private readonly socket = new Socket();
  private buffer = Buffer.alloc(0);
  private readonly waiting: ((frame: Buffer) => void)[] = [];
  private correlationId = 0;
  closed = false;
  private closeWaiters: (() => void)[] = [];

  static async connect(broker: EmbeddedKafka): Promise<RawClient> {
    const client = new RawClient();
    await new Promise<void>((resolve, reject) => {
      client.socket.once('error', reject);
      client.socket.connect(broker.port, broker.host, () => resolve());
    });
    return client;
  }

  private constructor() {
    this.socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= 4 + this.buffer.readInt32BE(0)) {
        const size = this.buffer.readInt32BE(0);
        const frame = this.buffer.subarray(4, 4 + size);
        this.buffer = this.buffer.subarray(4 + size);
        this.waiting.shift()?.(frame);
      }
    });
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      this.closed = true;
      for (const waiter of this.closeWaiters) waiter();
    });
  }

  /** Writes bytes as they are (for malformed frames). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a request with header v1 and returns the response body (after the correlation id). */
  request(apiKey: number, apiVersion: number, body: (w: Writer) => void): Promise<Reader> {
    const id = ++this.correlationId;
    const writer = new Writer();
    writer.int16(apiKey).int16(apiVersion).int32(id).string('raw-client');
    body(writer);
    const payload = writer.toBuffer();
    const frame = Buffer.alloc(4 + payload.length);
    frame.writeInt32BE(payload.length, 0);
    payload.copy(frame, 4);
    return new Promise<Reader>((resolve, reject) => {
      this.closeWaiters.push(() => reject(new Error('connection closed')));
      this.waiting.push((response) => {
        const reader = new Reader(response);
        const correlationId = reader.int32();
        if (correlationId !== id)
          reject(new Error(`correlation id ${correlationId}, expected ${id}`));
        else resolve(reader);
      });
      this.socket.write(frame);
    });
  }

  whenClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  close(): void {
    this.socket.destroy();
  }
}
