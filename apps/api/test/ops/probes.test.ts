import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { markDraining } from '../../src/routes/health.routes.js';
import { startTestApi, type TestApi } from '../support/harness.js';
import { ScratchRedis } from '../support/redis-server.js';

/** An API over a Redis server of its own, which the test can stop and start. */
const world: { redis?: ScratchRedis; api?: TestApi } = {};
beforeAll(async () => {
  world.redis = await ScratchRedis.start();
  world.api = startTestApi({ REDIS_URL: world.redis.url });
});
afterAll(async () => {
  await world.api?.close();
  await world.redis?.down();
});

describe('Kubernetes probes: GET /ready and GET /live', () => {
  const api = { request: { get: (path: string) => world.api!.request.get(path) } };
  const redis = { down: () => world.redis!.down(), up: () => world.redis!.up() };

  it('/ready is 200 while PostgreSQL and Redis answer, 503 naming Redis while it is down; /live stays 200', async () => {
    const ready = await api.request.get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', postgres: 'connected', redis: 'connected' });

    await redis.down();
    const started = Date.now();
    const notReady = await api.request.get('/ready');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toEqual({ status: 'not_ready', postgres: 'connected', redis: 'disconnected' });
    expect((await api.request.get('/live')).body).toEqual({ status: 'live' });
    await redis.up();
  });

  it('needs no API key', async () => {
    for (const path of ['/ready', '/live']) expect([200, 503]).toContain((await api.request.get(path)).status);
  });

  it('/ready fails at once after the process starts draining, while /live and /health still answer', async () => {
    const draining = startTestApi();
    try {
      expect((await draining.request.get('/ready')).status).toBe(200);
      markDraining(draining.ctx);
      const res = await draining.request.get('/ready');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'draining' });
      expect((await draining.request.get('/live')).status).toBe(200);
      expect((await draining.request.get('/health')).status).toBe(200);
      expect((await api.request.get('/live')).status).toBe(200);
    } finally {
      await draining.close();
    }
  });
});
