import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sourceListServer, type SourceListServer } from '@proxy-pool/test-kit';
import type { RunningScraper } from '../../../scraper/src/main.js';
import { formatLists } from './formats.js';
import { startScraperFor, startSourcesApi, type SourcesTestApi } from './support.js';

const LISTS = formatLists();
let api: SourcesTestApi;
let scraper: RunningScraper;
let lists: SourceListServer;

beforeAll(async () => {
  api = await startSourcesApi();
  scraper = await startScraperFor(api);
  lists = await sourceListServer({
    routes: {
      ...Object.fromEntries(
        Object.entries(LISTS).map(([name, list]) => [`/${name}`, { body: list.body, contentType: list.contentType }]),
      ),
      '/broken.txt': { status: 500, body: 'boom' },
      '/slow.txt': { body: '127.3.3.3:3333\n', delayMs: 1_500 },
    },
  });
}, 30_000);
afterAll(async () => {
  await scraper?.stop();
  await api?.close();
  await lists?.close();
});

let copies = 0;
/** A new source for the list at `path`: each gets a URL of its own (a query the list server ignores), since a URL is listed once. */
async function createSource(path: string, extra: Record<string, unknown> = {}): Promise<string> {
  const url = `${lists.urlFor(path)}?copy=${++copies}`;
  const res = await api.request
    .post('/sources')
    .set(api.admin.auth)
    .send({ url, cron_schedule: '0 0 1 1 *', ...extra });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const scrape = (id: string) => api.request.post(`/sources/${id}/scrape`).set(api.admin.auth);

async function storedProxies(sourceId: string): Promise<string[]> {
  const rows = await api.ctx.db.$queryRaw<Array<{ key: string }>>`
    SELECT host(p.ip) || ':' || p.port || '/' || p.protocol AS key FROM proxies p
    JOIN proxy_sources ps ON ps.proxy_id = p.id WHERE ps.source_id = ${sourceId}::uuid ORDER BY 1`;
  return rows.map((row) => row.key);
}

describe('POST /sources/{id}/scrape', () => {
  it.each(Object.keys(LISTS) as Array<keyof typeof LISTS>)(
    'scrapes a %s list end to end and answers the result',
    async (name) => {
      const id = await createSource(`/${name}`);
      const expected = LISTS[name].expected;
      const res = await scrape(id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        source_id: id,
        proxies_discovered: expected.length,
        proxies_new: expected.length,
        proxies_updated: 0,
        duration_ms: expect.any(Number),
      });
      expect(await storedProxies(id)).toEqual([...expected].sort());

      const again = await scrape(id);
      expect(again.body).toMatchObject({
        proxies_discovered: expected.length,
        proxies_new: 0,
        proxies_updated: expected.length,
      });
      const shown = await api.request.get(`/sources/${id}`).set(api.user.auth);
      expect(shown.body).toMatchObject({
        last_discovered: expected.length,
        last_new: 0,
        consecutive_failures: 0,
        last_error: null,
      });
      expect(shown.body.last_scraped_at).toMatch(/Z$/);
    },
  );

  it('stores upstream credentials and the default protocol', async () => {
    const id = await createSource('/json', { default_protocol: 'https' });
    await scrape(id);
    const plain = await createSource('/plaintext');
    await scrape(plain);
    const proxies = await api.ctx.db.proxy.findMany({
      where: { sources: { some: { sourceId: { in: [id, plain] } } } },
    });
    const json2 = LISTS.json.expected[1]!.split(':')[0];
    expect(proxies.find((proxy) => proxy.ip === json2 && proxy.protocol === 'https')).toBeDefined();
    expect(proxies.find((proxy) => proxy.protocol === 'socks5')).toMatchObject({
      username: 'user',
      password: 'secret',
    });
  });

  it('answers 502 SCRAPE_FAILED with the error when the scrape fails, and records it', async () => {
    const id = await createSource('/broken.txt', { parser_name: 'plaintext' });
    const res = await scrape(id);
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({
      code: 'SCRAPE_FAILED',
      details: { source_id: id, error: 'HTTP 500', job_id: expect.any(String) },
    });
    const shown = await api.request.get(`/sources/${id}`).set(api.user.auth);
    expect(shown.body).toMatchObject({ last_error: 'HTTP 500', consecutive_failures: 1, last_scraped_at: null });
  });

  it('answers 404 for an unknown source and 403 for a non-admin', async () => {
    expect(
      (await api.request.post('/sources/6d1f4c3e-0000-4000-8000-000000000000/scrape').set(api.admin.auth)).status,
    ).toBe(404);
    const id = await createSource('/plaintext');
    expect((await api.request.post(`/sources/${id}/scrape`).set(api.user.auth)).status).toBe(403);
  });
});

describe('a scrape that outlives the wait', () => {
  it('answers 202 with the job id, and the job still completes', async () => {
    const impatient = await startSourcesApi({ SCRAPE_WAIT_MS: '200' });
    const worker = await startScraperFor(impatient);
    try {
      const created = await impatient.request
        .post('/sources')
        .set(impatient.admin.auth)
        .send({ url: lists.urlFor('/slow.txt'), parser_name: 'plaintext', cron_schedule: '0 0 1 1 *' });
      const res = await impatient.request.post(`/sources/${created.body.id}/scrape`).set(impatient.admin.auth);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ job_id: expect.any(String), status: 'queued' });
      const job = await impatient.ctx.queues.scrape.getJob(res.body.job_id);
      expect(job?.data).toEqual({ source_id: created.body.id, trigger: 'manual' });
      const deadline = Date.now() + 15_000;
      while ((await job!.getState()) !== 'completed' && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await job!.getState()).toBe('completed');
    } finally {
      await worker.stop();
      await impatient.close();
    }
  }, 30_000);
});
