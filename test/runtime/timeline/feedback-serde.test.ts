import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { startEmbeddedSchemaRegistry } from '../../../src/embedded/index.js';
import { AvroSerdes, findSchemasDir, loadAvroSchemas } from '../../../src/io/index.js';
import { deliveryFeedbackSerde } from '../../../src/runtime/index.js';

const feedback = {
  commandId: 'welcome:c1:1800000000000',
  customerId: 'c1',
  trigger: 'welcome',
  channel: 'sms',
  status: 'deferred',
  reason: 'quiet hours',
  guard: 'quiet-hours',
  until: 1_800_000_360_000,
  at: 1_800_000_000_000,
};

test('reads delivery feedback written as Avro or as JSON with one serde', async () => {
  const registry = await startEmbeddedSchemaRegistry({ port: 0 });
  try {
    const avro = new AvroSerdes({
      registry: new SchemaRegistry({ host: registry.url, retry: { retries: 0 } }),
      schemas: await loadAvroSchemas(findSchemasDir()),
    });
    await avro.prepare();
    const serde = deliveryFeedbackSerde(avro);
    const written = avro.serializer('com.touchstream.DeliveryFeedback')({
      ...feedback,
      status: 'delivered',
      reason: null,
      guard: null,
      until: null,
    });
    const fromAvro = serde.deserialize(written) as Record<string, unknown>;
    assert.equal(fromAvro.status, 'delivered');
    assert.equal(fromAvro.at, feedback.at);
    assert.equal('reason' in fromAvro, false, 'null optional fields are left out, as in JSON');
    assert.deepEqual(serde.deserialize(serde.serialize(feedback)), feedback);
    assert.throws(() => deliveryFeedbackSerde().deserialize(written), {
      code: 'TS_IO_DECODE_FAILED',
    });
  } finally {
    await registry.close();
  }
});
