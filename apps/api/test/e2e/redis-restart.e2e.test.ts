import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';
import { ScratchRedis } from '../support/redis-server.js';

jest.setTimeout(60_000);

let redis: ScratchRedis;
let api: TestApi;
let admin: TestUser;

beforeAll(async () => {
  redis = await ScratchRedis.start();
  api = startTestApi({ REDIS_URL: redis.url, SCRAPE_WAIT_MS: '500', URL_TEST_WAIT_MS: '1000' });
  admin = await createTestUser(api.ctx, { role: 'admin' });
});
afterAll(async () => {
  await redis.up().catch(() => undefined);
  await api.close();
  await redis.down();
});

async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await call();
  return { value, ms: Date.now() - started };
}

describe('Redis restarts while the API serves', () => {
  it('answers 503 on job-dependent routes during the outage, without hanging, and recovers by itself', async () => {
    const source = await api.request
      .post('/sources')
      .set(admin.auth)
      .send({ url: 'http://127.0.0.1:9/list.txt', parser_name: 'plaintext', cron_schedule: '0 0 1 1 *' });
    expect(source.status).toBe(201);
    const scrape = () => api.request.post(`/sources/${source.body.id}/scrape`).set(admin.auth).timeout(10_000);
    const urlTest = () =>
      api.request.post('/proxies/test').set(admin.auth).send({ url: 'http://127.0.0.1:9/', count: 1 }).timeout(10_000);

    await redis.down();
    for (const call of [scrape, urlTest]) {
      const { value: res, ms } = await timed(call);
      expect(ms).toBeLessThan(5_000);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    }

    await redis.up();
    const deadline = Date.now() + 15_000;
    let recovered = await scrape();
    while (recovered.status === 503 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      recovered = await scrape();
    }
    // No scraper runs here: the job is queued and the API answers 202 once its wait ends.
    expect(recovered.status).toBe(202);
    expect(recovered.body).toMatchObject({ status: 'queued' });
  });
});
