import { describe, expect, it } from '@jest/globals';
import { DependencyUnavailableError } from '@proxy-pool/dependency-errors';
import { assertRedisReady, createRedis, redisUnavailable } from '../src/index.js';

describe('Redis errors classified by type', () => {
  it.each(['redis://127.0.0.1:1', 'redis+cluster://127.0.0.1:1,127.0.0.1:2'])(
    'recognises what a fail-fast connection (%s) rejects commands with while Redis is away',
    async (url) => {
      // ioredis leaves a never-connected socket open this long (2 s by default) before destroying it.
      const redis = createRedis(url, 'producer', { disconnectTimeout: 100 });
      redis.on('error', () => undefined);
      try {
        const refused = await redis.get('k').then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(redisUnavailable(refused)).toBeInstanceOf(DependencyUnavailableError);
        expect(redisUnavailable(refused)?.dependency).toBe('redis');
        expect(() => assertRedisReady(redis)).toThrow(DependencyUnavailableError);
      } finally {
        redis.disconnect();
      }
    },
  );

  it('leaves command errors and look-alike messages alone', async () => {
    const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
    try {
      const wrongType = await redis.eval('return redis.error_reply("boom")', 0).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(wrongType).toBeInstanceOf(Error);
      expect(redisUnavailable(wrongType)).toBeNull();
      expect(redisUnavailable(new Error('Redis said: Connection is closed. (quoted)'))).toBeNull();
    } finally {
      redis.disconnect();
    }
  });
});
