import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InMemoryCluster,
  TopologyTestDriver,
  buildTouchstreamTopology,
  touchLine,
} from '../../src/runtime/index.js';
import type { TouchCommandRecord } from '../../src/rules/index.js';
import { jsonSerde, stringSerde } from '../../src/topology/index.js';

test('touch commands carry the contact details of the customer, and replay lines keep only the contract fields', async () => {
  const { topology, topics } = buildTouchstreamTopology({
    backend: 'memory',
    contactAttributes: { openid: 'wxOpenId' },
  });
  const cluster = new InMemoryCluster();
  cluster.ensureTopic(topics.rules, 1).append(0, {
    key: stringSerde.serialize('care'),
    value: jsonSerde.serialize({
      id: 'care',
      kind: 'trigger',
      on: { event: 'claim.settled' },
      touch: { channel: 'sms', template: 'claim_care' },
    }),
    timestamp: 0,
  });
  const stateDir = mkdtempSync(join(tmpdir(), 'contact-'));
  const driver = await TopologyTestDriver.create(topology, { cluster, stateDir, partitions: 2 });
  try {
    const pipe = (customerId: string, event: Record<string, unknown>) =>
      driver.pipeRaw(
        topics.events,
        stringSerde.serialize(customerId),
        jsonSerde.serialize({ customerId, ...event }),
        event.ts as number,
      );
    await pipe('c1', {
      type: 'customer.profile',
      id: 'p1',
      ts: 1000,
      attrs: { phone: '13800000001', wxOpenId: 'o-abc', pushRegistrationId: '' },
    });
    await pipe('c1', { type: 'claim.settled', id: 'k1', ts: 2000, claimId: 'k1' });
    await pipe('c2', { type: 'claim.settled', id: 'k2', ts: 3000, claimId: 'k2' });
    const touches = driver
      .createOutputTopic<string, TouchCommandRecord>(topics.touches)
      .readValues()
      .filter((touch): touch is TouchCommandRecord => touch !== null)
      .sort((a, b) => a.at - b.at);
    assert.equal(touches.length, 2);
    assert.deepEqual(
      touches.map((t) => [t.customerId, t.phone, t.openid, t.pushRegistrationId]),
      [
        ['c1', '13800000001', 'o-abc', null],
        ['c2', null, null, null],
      ],
    );
    assert.deepEqual(Object.keys(JSON.parse(touchLine(touches[0]))), [
      'at',
      'trigger',
      'customerId',
      'channel',
      'template',
      'params',
      'heldOut',
    ]);
  } finally {
    await driver.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
});
