// Produce and consume throughput of kafkajs against the embedded broker: 1M records of 300 bytes
// by default (BENCH_RECORDS overrides). Run: npx tsx bench/broker-throughput.ts
import { Kafka, logLevel } from 'kafkajs';
import { startEmbeddedKafka } from '../src/embedded/index.js';

const RECORD_BYTES = 300;
const PARTITIONS = 4;
const BATCH = 5_000;
const IN_FLIGHT = 4;

export async function run(): Promise<Record<string, number>> {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const total = Number(process.env.BENCH_RECORDS ?? 1_000_000);
  const broker = await startEmbeddedKafka();
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = 'bench-throughput';
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
  await admin.disconnect();

  const value = Buffer.alloc(RECORD_BYTES, 'x');
  const messages = Array.from({ length: BATCH }, (_, i) => ({ value, partition: i % PARTITIONS }));
  const producer = kafka.producer();
  await producer.connect();
  const produceStart = process.hrtime.bigint();
  let sent = 0;
  const sender = async () => {
    while (sent < total) {
      const n = Math.min(BATCH, total - sent);
      sent += n;
      await producer.send({
        topic,
        acks: 1,
        messages: n === BATCH ? messages : messages.slice(0, n),
      });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
  const produceSeconds = Number(process.hrtime.bigint() - produceStart) / 1e9;
  await producer.disconnect();

  const consumer = kafka.consumer({
    groupId: 'bench',
    maxBytes: 50 * 1024 * 1024,
    maxBytesPerPartition: 10 * 1024 * 1024,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let received = 0;
  const consumeStart = process.hrtime.bigint();
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        received += batch.messages.length;
        if (received >= total) resolve();
      },
    });
  });
  await done;
  // Includes joining the group (a few milliseconds with no initial rebalance delay).
  const consumeSeconds = Number(process.hrtime.bigint() - consumeStart) / 1e9;
  await consumer.disconnect();
  await broker.close();

  const mb = (total * RECORD_BYTES) / (1024 * 1024);
  return {
    records: total,
    recordBytes: RECORD_BYTES,
    produceRecordsPerSec: Math.round(total / produceSeconds),
    produceMBPerSec: Number((mb / produceSeconds).toFixed(1)),
    consumeRecordsPerSec: Math.round(total / consumeSeconds),
    consumeMBPerSec: Number((mb / consumeSeconds).toFixed(1)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
