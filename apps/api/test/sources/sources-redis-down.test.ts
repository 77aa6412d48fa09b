import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ScratchRedis } from '../support/redis-server.js';
import { startSourcesApi, type SourcesTestApi } from './support.js';

let redis: ScratchRedis;
let api: SourcesTestApi;
beforeAll(async () => {
  redis = await ScratchRedis.start();
  api = await startSourcesApi({ REDIS_URL: redis.url });
  // BullMQ prints connection errors of queues nobody listens to; these are expected here.
  for (const queue of Object.values(api.ctx.queues)) queue.on('error', () => undefined);
});
afterAll(async () => {
  await api?.close();
  await redis?.down();
});

const expectUnavailable = (res: {
  status: number;
  body: { error: { code: string } };
  headers: Record<string, string>;
}) => {
  expect(res.status).toBe(503);
  expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
  expect(res.headers['retry-after']).toBe('5');
};

const body = (url: string) => ({ url, parser_name: 'plaintext', cron_schedule: '0 * * * *' });

describe('source writes while Redis is down', () => {
  it('answer 503 at once and change nothing; writes work again once Redis is back', async () => {
    const kept = (await api.request.post('/sources').set(api.admin.auth).send(body('http://127.0.0.1:9/kept.txt')))
      .body;
    expect(await api.scheduler(kept.id)).toBeDefined();
    await redis.down();

    const started = Date.now();
    const url = `http://127.0.0.1:9/${Date.now()}.txt`;
    expectUnavailable(await api.request.post('/sources').set(api.admin.auth).send(body(url)));
    expect(await api.ctx.db.source.count({ where: { url } })).toBe(0);

    expectUnavailable(
      await api.request
        .patch(`/sources/${kept.id}`)
        .set(api.admin.auth)
        .send({ cron_schedule: '5 * * * *', is_active: false }),
    );
    expect(await api.ctx.db.source.findUniqueOrThrow({ where: { id: kept.id } })).toMatchObject({
      cronSchedule: '0 * * * *',
      isActive: true,
    });

    expectUnavailable(await api.request.delete(`/sources/${kept.id}`).set(api.admin.auth));
    expectUnavailable(await api.request.post(`/sources/${kept.id}/scrape`).set(api.admin.auth));
    expect(await api.ctx.db.source.findUnique({ where: { id: kept.id } })).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);

    // Reads need only PostgreSQL.
    expect((await api.request.get('/sources').set(api.user.auth)).status).toBe(200);

    await redis.up();
    const deadline = Date.now() + 10_000;
    let res = await api.request.patch(`/sources/${kept.id}`).set(api.admin.auth).send({ cron_schedule: '5 * * * *' });
    while (res.status === 503 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      res = await api.request.patch(`/sources/${kept.id}`).set(api.admin.auth).send({ cron_schedule: '5 * * * *' });
    }
    expect(res.status).toBe(200);
    // A fresh redis-server starts empty: the patch re-created the scheduler (the scraper's reconcile would too).
    expect((await api.scheduler(kept.id))?.pattern).toBe('5 * * * *');
  }, 30_000);
});
