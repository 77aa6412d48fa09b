import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { sourceListServer, type SourceListServer } from '@proxy-pool/test-kit';
import { createTestUser, startTestApi, type TestApi } from '../support/harness.js';
import { startChild, stopChild, type Child } from './support/processes.js';

jest.setTimeout(90_000);

function expectEnvelope(res: { status: number; body: unknown }, status: number): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    error: { code: expect.any(String), message: expect.any(String), details: expect.any(Object) },
  });
}

let lists: SourceListServer;
beforeAll(async () => {
  const body = Array.from({ length: 200 }, (_, i) => `127.0.0.1:${20000 + i}`).join('\n');
  lists = await sourceListServer({
    routes: { '/hang.txt': { body, hangMidBody: true }, '/ok.txt': { body: '127.0.0.1:1\n' } },
  });
});
afterAll(async () => {
  await lists?.close();
});

describe('PostgreSQL unreachable', () => {
  it('answers 503 in the envelope, not 500', async () => {
    const broken = startTestApi({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/proxypool' });
    try {
      const auth = { Authorization: 'Bearer pp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' };
      for (const res of [
        await broken.request.get('/proxies').set(auth),
        await broken.request.get('/stats/pool').set(auth),
        await broken.request.post('/auth/register').send({ email: 'nobody@example.test', display_name: 'N' }),
      ])
        expectEnvelope(res, 503);
    } finally {
      await broken.close();
    }
  });
});

describe('a source list that hangs mid-body', () => {
  let api: TestApi;
  let scraper: Child | undefined;
  afterAll(async () => {
    await stopChild(scraper);
    await api?.close();
  });

  it('fails the scrape after SCRAPE_TIMEOUT_MS and keeps nothing partial', async () => {
    api = startTestApi({ SCRAPE_WAIT_MS: '15000' });
    const admin = await createTestUser(api.ctx, { role: 'admin' });
    scraper = await startChild(
      'scraper',
      {
        DATABASE_URL: process.env.DATABASE_URL!,
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        QUEUE_PREFIX: api.ctx.config.QUEUE_PREFIX,
        ALLOW_PRIVATE_TARGETS: 'true',
        LOG_LEVEL: 'info',
        NODE_ENV: 'test',
        HEALTH_PORT: '0',
        HEALTH_HOST: '127.0.0.1',
        SCRAPE_TIMEOUT_MS: '1500',
        MAINTENANCE_ENABLED: 'false',
      },
      '"scraper started"',
      'faults-scraper',
    );
    const created = await api.request
      .post('/sources')
      .set(admin.auth)
      .send({ url: lists.urlFor('/hang.txt'), parser_name: 'plaintext', cron_schedule: '0 0 1 1 *' });
    expect(created.status).toBe(201);
    const started = Date.now();
    const res = await api.request.post(`/sources/${created.body.id}/scrape`).set(admin.auth);
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(600);
    expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(lists.stats.hits['/hang.txt']).toBeGreaterThanOrEqual(1);
    const [row] = await api.ctx.db.$queryRaw<
      Array<{ n: number }>
    >`SELECT count(*)::int AS n FROM proxy_sources WHERE source_id = ${created.body.id}::uuid`;
    expect(row!.n).toBe(0);
    const source = await api.ctx.db.source.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(source.lastScrapedAt).toBeNull();
  });
});
