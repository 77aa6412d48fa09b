import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { findRunningServices, redisAnswers } from '@proxy-pool/embedded-services';
import { pingRedis } from '@proxy-pool/queues';
import { startRedisCluster, type RedisClusterHandle } from '@proxy-pool/test-kit';
import { Cluster } from 'ioredis';
import { startTestApi, type TestApi } from '../support/harness.js';
import { uniqueEmail } from './support.js';

let cluster: RedisClusterHandle;
let api: TestApi | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 30_000);

afterAll(async () => {
  await api?.close();
  await cluster?.stop();
});

describe('rate limits on a Redis Cluster', () => {
  it('counts registrations in the hash-tagged slot and answers 429 past the limit', async () => {
    api = startTestApi({
      REDIS_URL: cluster.url,
      QUEUE_PREFIX: 'rlc',
      RATE_LIMITS_ENABLED: 'true',
      RATE_LIMIT_REGISTER_PER_HOUR: '3',
    });
    const { redis, config } = api.ctx;
    expect(config.QUEUE_PREFIX).toBe('{rlc}');
    if (!(redis instanceof Cluster)) throw new Error('expected a Cluster connection');
    // The limiter fails open while Redis is not ready yet (a cluster needs its slot map first): wait for it.
    expect(await pingRedis(redis, 10_000)).toBe(true);
    // The limiter fails open on a slow answer (> 500 ms, e.g. on a loaded machine): count the attempts until
    // the first 429 rather than expecting it on exactly the fourth.
    let res = await api.request.post('/auth/register').send({ email: uniqueEmail(), display_name: 'R' });
    let attempts = 1;
    while (res.status === 201 && attempts < 8) {
      res = await api.request.post('/auth/register').send({ email: uniqueEmail(), display_name: 'R' });
      attempts += 1;
    }
    expect(res.status).toBe(429);
    expect(attempts).toBeGreaterThanOrEqual(4);
    expect(res.body).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: expect.any(String),
        details: { limit: 3, retry_after_seconds: expect.any(Number) },
      },
    });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(3000);

    const counters = (
      await Promise.all(redis.nodes('master').map((node) => node.keys('{rlc}:ratelimit:register:*')))
    ).flat();
    expect(counters).toHaveLength(1);
    expect(Number(await redis.get(counters[0]!))).toBeGreaterThanOrEqual(4);
    expect(await redis.cluster('KEYSLOT', counters[0]!)).toBe(await redis.cluster('KEYSLOT', '{rlc}:bull:scrape:meta'));
  });
});

describe('admin commands beside a Redis Cluster', () => {
  it('take the configured cluster URL when its nodes answer', async () => {
    const configured = {
      databaseUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/proxypool',
      redisUrl: cluster.url,
    };
    expect(await redisAnswers(cluster.url)).toBe(true);
    expect((await findRunningServices(tmpdir(), configured)).redisUrl).toBe(cluster.url);
  });
});
