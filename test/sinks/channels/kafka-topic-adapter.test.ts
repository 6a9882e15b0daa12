import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  COMMAND_ID_HEADER,
  KafkaTopicAdapter,
  isRetriableKafkaError,
  validateChannelConfig,
} from '../../../src/sinks/index.js';
import type { TopicProducer } from '../../../src/sinks/index.js';
import { adapterConformance } from './adapter-conformance.js';
import type { AdapterOverrides } from './adapter-conformance.js';
import { touchCommand } from './support/commands.js';
import { KafkaBroker, KafkaTopicFixture } from './support/kafka-fixture.js';
import type { TopicMessage } from './support/kafka-fixture.js';

const CHANNEL = 'agent-call';

let broker: KafkaBroker | undefined;

before(async () => {
  broker = await KafkaBroker.start();
});

after(async () => {
  await broker?.close();
});

function kafkaAdapter(topic: string, producer: TopicProducer, overrides: AdapterOverrides = {}) {
  const config = validateChannelConfig({
    kafka: { [CHANNEL]: { topic, templates: ['renewal'], http: overrides.http ?? {} } },
  });
  return new KafkaTopicAdapter(CHANNEL, config.kafka![CHANNEL], producer, overrides);
}

adapterConformance({
  name: 'kafka-topic',
  channel: CHANNEL,
  start: () => KafkaTopicFixture.start(broker!),
  makeAdapter: (fixture, overrides) => kafkaAdapter(fixture.topic, fixture.producer, overrides),
  makeCommand: (overrides) => touchCommand({ channel: CHANNEL, ...overrides }),
  assertDelivered(message, command) {
    const { key, value, headers } = message as TopicMessage;
    assert.equal(key, command.customerId);
    assert.deepEqual(value, command);
    assert.equal(headers[COMMAND_ID_HEADER], command.commandId);
  },
});

describe('kafka-topic adapter', () => {
  it('writes through a kafkajs Producer as is and names where the message landed', async () => {
    const topic = await broker!.newTopic();
    const adapter = kafkaAdapter(topic, broker!.producer);
    const result = await adapter.send(touchCommand({ channel: CHANNEL }));
    assert.ok(result.status === 'sent');
    assert.equal(result.providerMessageId, `${topic}/0/0`);
    assert.equal(broker!.messages(topic).length, 1);
  });

  it('accepts any template when the config lists none', async () => {
    const config = validateChannelConfig({ kafka: { [CHANNEL]: { topic: 'x' } } });
    const adapter = new KafkaTopicAdapter(CHANNEL, config.kafka![CHANNEL], broker!.producer);
    assert.equal(
      adapter.check(touchCommand({ channel: CHANNEL, template: 'anything' })),
      undefined,
    );
  });

  it('classifies kafkajs errors by their retriable flag, a retry-exhausted one as retriable', () => {
    assert.equal(isRetriableKafkaError({ name: 'KafkaJSConnectionError', retriable: true }), true);
    assert.equal(
      isRetriableKafkaError({ name: 'KafkaJSNumberOfRetriesExceeded', retriable: false }),
      true,
    );
    assert.equal(
      isRetriableKafkaError({ name: 'KafkaJSNonRetriableError', retriable: false }),
      false,
    );
    assert.equal(isRetriableKafkaError(new TypeError('bad value')), false);
  });

  it('fails retryably when the broker is gone', async () => {
    const gone = await KafkaBroker.start();
    const topic = await gone.newTopic();
    const adapter = kafkaAdapter(topic, gone.producer, {
      sleep: async () => {},
      http: { timeoutMs: 3_000, retry: { maxAttempts: 1 } },
    });
    await gone.broker.close();
    try {
      const result = await adapter.send(touchCommand({ channel: CHANNEL }));
      assert.ok(result.status === 'failed');
      assert.equal(result.code, 'TS_SINK_RETRIES_EXHAUSTED');
      assert.equal(result.retryable, true);
    } finally {
      await gone.producer.disconnect();
      await gone.admin.disconnect();
    }
  });
});

describe('kafka-topic adapter against the broker', () => {
  it("retries the broker's unknown-topic answer and gives up on its invalid-topic answer", async () => {
    const fixture = await KafkaTopicFixture.start(broker!);
    const adapter = kafkaAdapter(fixture.topic, fixture.producer, {
      sleep: async () => {},
      http: { retry: { maxAttempts: 1 } },
    });
    fixture.failNext(1, 'retryable');
    const unknown = await adapter.send(touchCommand({ channel: CHANNEL }));
    assert.ok(unknown.status === 'failed');
    assert.equal(unknown.retryable, true);
    assert.match(unknown.reason, /does not host this topic-partition/);
    fixture.failNext(1, 'rejected');
    const invalid = await adapter.send(touchCommand({ channel: CHANNEL }));
    assert.ok(invalid.status === 'failed');
    assert.equal(invalid.code, 'TS_SINK_PROVIDER_REJECTED');
    assert.match(invalid.reason, /invalid topic/);
  });
});
