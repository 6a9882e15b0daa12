import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { startEmbeddedSchemaRegistry } from '../../../src/embedded/index.js';
import {
  AvroSerdes,
  findSchemasDir,
  loadAvroSchemas,
  touchCommandAvroSerde,
} from '../../../src/io/index.js';
import { avroDeliveryCodecs } from '../../../src/sinks/index.js';
import { waitFor } from '../../runtime/kafka/support/wait.js';
import { DeliveryHarness, NOON, command } from './support/delivery-harness.js';
import { RecordingAdapter } from './support/recording-adapter.js';

test('reads Avro touch commands and writes Avro feedback; a record it cannot describe in Avro goes to the dead letters', async (t) => {
  const registry = await startEmbeddedSchemaRegistry({ port: 0 });
  const h = await DeliveryHarness.start({ partitions: 1 });
  t.after(async () => {
    await h.close();
    await registry.close();
  });
  const avro = new AvroSerdes({
    registry: new SchemaRegistry({ host: registry.url }),
    schemas: await loadAvroSchemas(findSchemasDir()),
  });
  await avro.prepare();
  const push = new RecordingAdapter('push');
  await h.startDelivery({ adapters: [push], codecs: avroDeliveryCodecs(avro), clock: () => NOON });

  const touch = command({ commandId: undefined, customerId: 'c-avro', channel: 'push' });
  const bytes = touchCommandAvroSerde(avro).serialize(touch);
  await h.produceRaw('c-avro', Buffer.from(bytes));
  await h.produceRaw('c-garbage', Buffer.from('{"not":"avro"}'));
  await waitFor(async () => (await h.committed())[0] === 2, {
    timeoutMs: 20_000,
    what: 'both records handled',
  });

  // The serde wrote the derived id and no contact fields, so the adapter got what the topic holds.
  assert.equal(push.sent.length, 1);
  assert.equal(push.sent[0].commandId, `renewal-reminder:c-avro:${NOON}`);
  const [record] = h.records(h.topics.feedback);
  assert.equal(record.value?.[0], 0, 'Confluent wire format');
  const feedback = avro.deserialize<Record<string, unknown>>(record.value as Buffer);
  assert.equal(feedback.status, 'sent');
  assert.equal(feedback.customerId, 'c-avro');
  assert.equal(record.key?.toString('utf8'), 'c-avro');

  // The garbage record has no channel the feedback schema's enum could name.
  assert.deepEqual(
    h
      .deadLetters()
      .map((l) => l.code)
      .sort(),
    ['TS_IO_DECODE_FAILED', 'TS_IO_ENCODE_FAILED'],
  );
  assert.equal(h.records(h.topics.feedback).length, 1);
});
