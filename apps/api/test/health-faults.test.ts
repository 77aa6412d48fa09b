import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApi, type TestApi } from './support/harness.js';
import { ScratchRedis } from './support/redis-server.js';

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('GET /health under dependency faults', () => {
  let redis: ScratchRedis;
  let api: TestApi;

  beforeAll(async () => {
    redis = await ScratchRedis.start();
    api = startTestApi({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await api.close();
    await redis.down();
  });

  it('answers 503 within 2 s while Redis is down and 200 again once it is back, without a restart', async () => {
    expect((await api.request.get('/health')).status).toBe(200);

    await redis.down();
    const started = Date.now();
    const down = await api.request.get('/health');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ status: 'degraded', postgres: 'connected', redis: 'disconnected', version: '0.1.0' });

    await redis.up();
    const back = await eventually(
      () => api.request.get('/health'),
      (res) => res.status === 200,
      10_000,
    );
    expect(back.status).toBe(200);
    expect(back.body.status).toBe('healthy');
  });

  it('answers 503 naming PostgreSQL when the database does not answer', async () => {
    const broken = startTestApi({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/proxypool' });
    try {
      const started = Date.now();
      const res = await broken.request.get('/health');
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: 'degraded', postgres: 'disconnected', redis: 'connected' });
    } finally {
      await broken.close();
    }
  });
});
