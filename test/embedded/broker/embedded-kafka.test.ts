import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BrokerListenError,
  InvalidBrokerOptionError,
  brokerErrorCodes,
  startEmbeddedKafka,
} from '../../../src/embedded/index.js';

describe('startEmbeddedKafka', () => {
  it('listens on a free port of 127.0.0.1 by default and reports it as the broker list', async () => {
    const broker = await startEmbeddedKafka();
    assert.equal(broker.host, '127.0.0.1');
    assert.ok(broker.port > 0);
    assert.deepEqual(broker.brokers, [`127.0.0.1:${broker.port}`]);
    await broker.close();
    await broker.close();
  });

  it('refuses invalid options with TS_BROKER_INVALID_OPTION naming the field', async () => {
    await assert.rejects(startEmbeddedKafka({ port: 70000 }), (error: unknown) => {
      assert.ok(error instanceof InvalidBrokerOptionError);
      assert.equal(error.code, brokerErrorCodes.invalidOption);
      assert.match(error.message, /"port"/);
      return true;
    });
    await assert.rejects(startEmbeddedKafka({ defaultPartitions: 0 }), InvalidBrokerOptionError);
    await assert.rejects(startEmbeddedKafka({ maxRequestBytes: 10 }), InvalidBrokerOptionError);
  });

  it('fails with TS_BROKER_LISTEN_FAILED when the port is taken', async () => {
    const first = await startEmbeddedKafka();
    await assert.rejects(startEmbeddedKafka({ port: first.port }), (error: unknown) => {
      assert.ok(error instanceof BrokerListenError);
      assert.equal(error.code, 'TS_BROKER_LISTEN_FAILED');
      return true;
    });
    await first.close();
  });
});
