import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export interface RedisFixture {
  redis: Redis;
  prefix: string;
  close(): Promise<void>;
}

/** A connection and a key prefix of its own; close() deletes every key under the prefix. */
export async function openRedis(): Promise<RedisFixture> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
  const prefix = `test:guards:${randomUUID()}:`;
  return {
    redis,
    prefix,
    async close() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}

/** A client pointed at a port nobody listens on, failing fast instead of queueing commands. */
export function unreachableRedis(): Redis {
  return new Redis({
    host: '127.0.0.1',
    port: 1,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 200,
    retryStrategy: () => null,
  });
}
