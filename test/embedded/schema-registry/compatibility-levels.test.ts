import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REGISTRY_MEDIA_TYPE, buildSchemaRegistryApp } from '../../../src/embedded/index.js';

/** A record with the given fields, all in one namespace so evolutions share a name. */
function schema(...fields: unknown[]): string {
  return JSON.stringify({ type: 'record', name: 'Event', namespace: 'com.example', fields });
}

const id = { name: 'id', type: 'string' };
const channel = { name: 'channel', type: 'string' };
const channelWithDefault = { ...channel, default: 'push' };

/** Registers each schema in order under one subject at `level`; returns the HTTP status of each. */
async function registerAll(level: string, schemas: string[]): Promise<number[]> {
  const app = await buildSchemaRegistryApp();
  try {
    const headers = { 'content-type': REGISTRY_MEDIA_TYPE };
    await app.inject({
      method: 'PUT',
      url: '/config/s',
      headers,
      payload: JSON.stringify({ compatibility: level }),
    });
    const statuses: number[] = [];
    for (const text of schemas) {
      const response = await app.inject({
        method: 'POST',
        url: '/subjects/s/versions',
        headers,
        payload: JSON.stringify({ schema: text }),
      });
      statuses.push(response.statusCode);
    }
    return statuses;
  } finally {
    await app.close();
  }
}

describe('compatibility levels', () => {
  it('BACKWARD refuses a new field without default and accepts a removed field', async () => {
    assert.deepEqual(await registerAll('BACKWARD', [schema(id), schema(id, channel)]), [200, 409]);
    assert.deepEqual(await registerAll('BACKWARD', [schema(id, channel), schema(id)]), [200, 200]);
  });

  it('FORWARD swaps reader and writer: a removed field without default is refused', async () => {
    assert.deepEqual(await registerAll('FORWARD', [schema(id, channel), schema(id)]), [200, 409]);
    assert.deepEqual(await registerAll('FORWARD', [schema(id), schema(id, channel)]), [200, 200]);
  });

  it('FULL needs both directions', async () => {
    assert.deepEqual(await registerAll('FULL', [schema(id), schema(id, channel)]), [200, 409]);
    assert.deepEqual(await registerAll('FULL', [schema(id, channel), schema(id)]), [200, 409]);
    assert.deepEqual(
      await registerAll('FULL', [schema(id), schema(id, channelWithDefault)]),
      [200, 200],
    );
  });

  it('NONE accepts anything', async () => {
    assert.deepEqual(
      await registerAll('NONE', [schema(id), schema({ name: 'id', type: 'int' })]),
      [200, 200],
    );
  });

  it('BACKWARD checks only the latest version, BACKWARD_TRANSITIVE every version', async () => {
    // v1 has no channel; v2 adds it with a default; v3 drops the default. v3 reads v2 but not v1.
    const versions = [schema(id), schema(id, channelWithDefault), schema(id, channel)];
    assert.deepEqual(await registerAll('BACKWARD', versions), [200, 200, 200]);
    assert.deepEqual(await registerAll('BACKWARD_TRANSITIVE', versions), [200, 200, 409]);
  });

  it('FORWARD_TRANSITIVE and FULL_TRANSITIVE check every version', async () => {
    // v1 has channel; v2 gives it a default; v3 drops it: v2 reads v3, v1 does not.
    const versions = [schema(id, channel), schema(id, channelWithDefault), schema(id)];
    assert.deepEqual(await registerAll('FORWARD', versions), [200, 200, 200]);
    assert.deepEqual(await registerAll('FORWARD_TRANSITIVE', versions), [200, 200, 409]);
    assert.deepEqual(await registerAll('FULL_TRANSITIVE', versions), [200, 200, 409]);
  });
});
