import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { startEmbeddedSchemaRegistry } from '../../../src/embedded/index.js';
import {
  AvroSerdes,
  findSchemasDir,
  loadAvroSchemas,
  segmentTransitionAvroSerde,
  touchCommandAvroSerde,
  touchCommandId,
} from '../../../src/io/index.js';

test('touch commands and segment transitions round-trip through Avro, touches with a stable command id', async (t) => {
  const registry = await startEmbeddedSchemaRegistry({ port: 0 });
  t.after(() => registry.close());
  const serdes = new AvroSerdes({
    registry: new SchemaRegistry({ host: registry.url }),
    schemas: await loadAvroSchemas(findSchemasDir()),
  });
  await serdes.prepare();
  const touch = {
    at: 1_800_000_000_000,
    trigger: 'renewal-reminder',
    customerId: 'C1',
    channel: 'sms',
    template: 'renewal_reminder_30d',
    params: { name: 'Li Na', discount: 0.15, vip: true, nested: { a: 1 } },
    heldOut: false,
  };
  const decoded = touchCommandAvroSerde(serdes).deserialize(
    touchCommandAvroSerde(serdes).serialize(touch),
  ) as Record<string, unknown>;
  assert.equal(decoded.commandId, 'renewal-reminder:C1:1800000000000');
  assert.equal(decoded.commandId, touchCommandId(touch));
  assert.deepEqual(decoded.params, { name: 'Li Na', discount: 0.15, vip: true, nested: '{"a":1}' });
  assert.equal(decoded.channel, 'sms');
  assert.equal(decoded.heldOut, false);
  assert.equal(decoded.phone, null, 'no contact details unless the engine found them');
  const withContact = touchCommandAvroSerde(serdes).deserialize(
    touchCommandAvroSerde(serdes).serialize({ ...touch, phone: '13800000000', openid: 'o-1' }),
  ) as Record<string, unknown>;
  assert.equal(withContact.phone, '13800000000');
  assert.equal(withContact.openid, 'o-1');
  assert.equal(withContact.pushRegistrationId, null);
  const transition = { at: 5, segment: 'vip', customerId: 'C1', change: 'enter' };
  const serde = segmentTransitionAvroSerde(serdes);
  assert.deepEqual(serde.deserialize(serde.serialize(transition)), transition);
  assert.throws(() => touchCommandAvroSerde(serdes).serialize({ ...touch, channel: 'fax' }));
});
