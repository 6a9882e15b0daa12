/**
 * Setup of bench/api-queries.ts: the embedded broker and Schema Registry in this process, two
 * touchstream instances (startApp, each in a child process) in one consumer group on them, and a
 * producer that writes events as the instances read them (Avro with the registry, the default).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { startEmbeddedKafka, startEmbeddedSchemaRegistry } from '../../src/embedded/index.js';
import {
  AvroSerdes,
  createKafkaClient,
  eventAvroSerde,
  findSchemasDir,
  loadAvroSchemas,
} from '../../src/io/index.js';
import type { Serde } from '../../src/io/index.js';
import { ApiInstanceProcess } from './api-bench-process.js';

export interface ApiClusterOptions {
  applicationId: string;
  partitions: number;
  /** Bearer tokens of `api.tokens`, the same on every instance. */
  tokens: { token: string; role: 'viewer' | 'operator' | 'author' }[];
  /** Rule files the first instance publishes to the rules topic before its engine starts. */
  rulesDir: string;
  log(message: string): void;
}

export interface ApiInstance {
  id: string;
  apiAddress: string;
  process: ApiInstanceProcess;
}

export interface ApiCluster {
  kafka: Kafka;
  admin: Admin;
  producer: Producer;
  eventSerde: Serde<unknown>;
  eventsTopic: string;
  instances: [ApiInstance, ApiInstance];
  /** Partition -> API address of its owner, once both instances agree on it. */
  owners(): Promise<Record<number, string>>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startApiCluster(options: ApiClusterOptions): Promise<ApiCluster> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const broker = await startEmbeddedKafka({ port: 0, defaultPartitions: options.partitions });
    closers.push(() => broker.close());
    const registry = await startEmbeddedSchemaRegistry({ port: 0 });
    closers.push(() => registry.close());
    const stateRoot = mkdtempSync(join(tmpdir(), 'bench-api-'));
    closers.push(async () => rmSync(stateRoot, { recursive: true, force: true }));

    const spawn = async (id: string, extra: Record<string, unknown>): Promise<ApiInstance> => {
      const child = new ApiInstanceProcess(id, {
        applicationId: options.applicationId,
        stateDir: join(stateRoot, id),
        kafka: { brokers: broker.brokers, partitions: options.partitions },
        schemaRegistry: { url: registry.url },
        api: { port: 0, tokens: options.tokens },
        ...extra,
      });
      closers.push(() => child.stop());
      const started = await child.started();
      options.log(`instance ${id} started at ${started.apiAddress}`);
      return { id, apiAddress: started.apiAddress, process: child };
    };
    // The first creates the topics and publishes the rules; the second joins its group.
    const a = await spawn('api-a', { rules: { examplesDir: options.rulesDir } });
    const b = await spawn('api-b', {});
    const instances: [ApiInstance, ApiInstance] = [a, b];
    const { eventsTopic } = await a.process.started();

    const kafka = createKafkaClient({
      brokers: broker.brokers,
      clientId: 'bench-api',
      log: (level, message) => level === 'error' && options.log(`kafkajs: ${message}`),
    });
    const admin = kafka.admin();
    await admin.connect();
    closers.push(() => admin.disconnect());
    const producer = kafka.producer();
    await producer.connect();
    closers.push(() => producer.disconnect());
    const avro = new AvroSerdes({
      registry: new SchemaRegistry({ host: registry.url }),
      schemas: await loadAvroSchemas(findSchemasDir()),
    });
    await avro.prepare();

    const owners = async (): Promise<Record<number, string>> => {
      const answers = await Promise.all(instances.map((instance) => instance.process.owners()));
      const [first, second] = answers;
      const settled =
        answers.every((answer) => answer.state === 'running' && !answer.rebalancing) &&
        Object.keys(first.owners).length === options.partitions &&
        JSON.stringify(first.owners) === JSON.stringify(second.owners) &&
        instances.every((instance) => Object.values(first.owners).includes(instance.apiAddress));
      if (!settled)
        throw new Error(`the instances do not agree on the owners yet: ${JSON.stringify(answers)}`);
      return first.owners;
    };
    await waitFor('both instances ready and sharing the partitions', 120_000, async () => {
      await owners();
      for (const instance of instances) {
        const ready = await fetch(`${instance.apiAddress}/readyz`);
        if (ready.status !== 200) throw new Error(`${instance.id} not ready`);
      }
    });

    return {
      kafka,
      admin,
      producer,
      eventSerde: eventAvroSerde(avro),
      eventsTopic,
      instances,
      owners,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Retries `attempt` until it resolves; throws its last error after `timeoutMs`. */
export async function waitFor(
  what: string,
  timeoutMs: number,
  attempt: () => Promise<void>,
  pollMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`${what}: not within ${timeoutMs} ms (${String(error)})`, {
          cause: error,
        });
    }
    await sleep(pollMs);
  }
}
