import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loopbackProxyLine, sourceListServer, type SourceListServer } from '@proxy-pool/test-kit';
import { enqueue } from '@proxy-pool/queues';
import { eventually, startTestScraper, type TestScraper } from './support.js';

const GOOD_LIST = Array.from({ length: 20 }, (_, index) => loopbackProxyLine(500_000 + index)).join('');

let lists: SourceListServer;
let scraper: TestScraper;
/** Gives up fetching after 1 s (the default 30 s would make the stall test slow). */
let impatient: TestScraper;
let chunked: Server;
let chunkedBytesSent = 0;

beforeAll(async () => {
  lists = await sourceListServer({
    routes: {
      '/good.txt': { body: GOOD_LIST },
      '/hang.txt': { body: GOOD_LIST, hangMidBody: true },
      '/error.txt': { status: 500, body: 'boom' },
      '/huge.txt': { generate: { bytes: 60 * 1024 * 1024 } },
    },
  });
  // A body with no Content-Length that never ends: only counting bytes as they arrive can stop it.
  chunked = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    const line = loopbackProxyLine(7);
    const block = line.repeat(Math.ceil((1024 * 1024) / line.length));
    let blocks = 0;
    const pump = () => {
      while (blocks < 100 && !res.destroyed) {
        blocks++;
        chunkedBytesSent += block.length;
        if (!res.write(block)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => chunked.listen(0, '127.0.0.1', () => resolve()));
  scraper = await startTestScraper({ SOURCE_FAILING_AFTER: '3', SCRAPER_CONCURRENCY: '1' });
  impatient = await startTestScraper({ SCRAPE_TIMEOUT_MS: '1000' });
}, 60_000);

afterAll(async () => {
  await scraper?.close();
  await impatient?.close();
  await lists?.close();
  chunked?.closeAllConnections();
  await new Promise((resolve) => chunked?.close(resolve));
});

async function failedScrape(url: string, target: TestScraper = scraper): Promise<{ error: string; sourceId: string }> {
  const source = await target.createSource(url);
  await expect(target.scrape(source.id)).rejects.toThrow();
  const row = await target.scraper.db.source.findUniqueOrThrow({ where: { id: source.id } });
  const links = await target.scraper.db.proxySource.count({ where: { sourceId: source.id } });
  expect(links).toBe(0);
  expect(row.consecutiveFailures).toBe(1);
  expect(row.lastScrapedAt).toBeNull();
  return { error: row.lastError ?? '', sourceId: source.id };
}

describe('failed scrapes', () => {
  it('records a source that stalls mid-body as a timeout', async () => {
    const { error } = await failedScrape(lists.urlFor('/hang.txt'), impatient);
    expect(error).toBe('timeout after 1000ms');
  });

  it('records an HTTP error status', async () => {
    const { error } = await failedScrape(lists.urlFor('/error.txt'));
    expect(error).toBe('HTTP 500');
  });

  it('refuses a 60 MB body and writes nothing', async () => {
    const { error } = await failedScrape(lists.urlFor('/huge.txt'));
    expect(error).toBe('body exceeds 52428800 bytes');
  });

  it('aborts a chunked body as soon as it passes the cap', async () => {
    const { error } = await failedScrape(`http://127.0.0.1:${(chunked.address() as AddressInfo).port}/endless`);
    expect(error).toBe('body exceeds 52428800 bytes');
    expect(chunkedBytesSent).toBeLessThan(100 * 1024 * 1024);
  });

  it('marks the job failed in BullMQ and keeps serving the next job', async () => {
    const source = await scraper.createSource(lists.urlFor('/error.txt?again'));
    const job = await enqueue(scraper.scraper.queues.scrape, 'scrape', { source_id: source.id, trigger: 'manual' });
    await eventually(async () => ((await job.getState()) === 'failed' ? true : undefined), 10_000, 'the job to fail');
    expect((await scraper.scraper.queues.scrape.getJob(String(job.id)))?.failedReason).toBe('HTTP 500');
    const good = await scraper.createSource(lists.urlFor('/good.txt'));
    const result = await scraper.scrape(good.id);
    expect(result.proxies_discovered).toBe(20);
  });
});

describe('with private targets not allowed', () => {
  let strict: TestScraper;
  beforeAll(async () => {
    // The list's own name maps to loopback here (a test seam standing in for a public host); literal
    // addresses still go through the per-hop SSRF check.
    const lookup = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      if (hostname !== 'list.test')
        return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
      if (options.all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
      return callback(null, '127.0.0.1', 4);
    }) as unknown as LookupFunction;
    strict = await startTestScraper({ ALLOW_PRIVATE_TARGETS: 'false' }, { dnsLookup: lookup });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('refuses a redirect to 127.0.0.1 before requesting it', async () => {
    lists.setRoute('/hop', { redirectTo: lists.urlFor('/good.txt') });
    const goodHits = lists.stats.hits['/good.txt'] ?? 0;
    const { error } = await failedScrape(`http://list.test:${lists.port}/hop`, strict);
    expect(error).toMatch(/^SSRF: .*127\.0\.0\.1/);
    expect(lists.stats.hits['/hop']).toBeGreaterThanOrEqual(1);
    expect(lists.stats.hits['/good.txt'] ?? 0).toBe(goodHits);
  });

  it('skips and counts proxies at private addresses', async () => {
    const source = await strict.createSource(`http://list.test:${lists.port}/good.txt`);
    const result = await strict.scrape(source.id);
    expect(result).toMatchObject({ proxies_discovered: 0, proxies_new: 0, proxies_updated: 0, proxies_skipped: 20 });
    expect(await strict.scraper.db.proxySource.count({ where: { sourceId: source.id } })).toBe(0);
    const row = await strict.scraper.db.source.findUniqueOrThrow({ where: { id: source.id } });
    expect(row).toMatchObject({ lastDiscovered: 0, lastSkipped: 20, lastError: null });
  });
});

/** Every event raised on the scraper's queue, whatever state its fan-out job is in (the scraper's own events worker may hold it). */
const raisedEvents = () =>
  scraper.scraper.queues.events.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed']);

describe('source health', () => {
  it('counts failures, raises source.failing once at the threshold, and resets on success', async () => {
    lists.setRoute('/flaky.txt', { status: 503, body: 'down' });
    const source = await scraper.createSource(lists.urlFor('/flaky.txt'));
    for (let attempt = 0; attempt < 4; attempt++) await expect(scraper.scrape(source.id)).rejects.toThrow('HTTP 503');
    const failing = await scraper.scraper.db.source.findUniqueOrThrow({ where: { id: source.id } });
    expect(failing).toMatchObject({ consecutiveFailures: 4, lastError: 'HTTP 503' });
    const raised = (await raisedEvents()).filter(
      (job) => job.data.type === 'source.failing' && job.data.data.source_id === source.id,
    );
    expect(raised).toHaveLength(1);
    expect(raised[0]!.data.data).toEqual({
      source_id: source.id,
      url: source.url,
      consecutive_failures: 3,
      last_error: 'HTTP 503',
    });

    lists.setRoute('/flaky.txt', { body: GOOD_LIST });
    const result = await scraper.scrape(source.id);
    const healthy = await scraper.scraper.db.source.findUniqueOrThrow({ where: { id: source.id } });
    expect(healthy).toMatchObject({
      consecutiveFailures: 0,
      lastError: null,
      lastDiscovered: 20,
      lastNew: result.proxies_new,
      lastSkipped: 0,
    });
    expect(healthy.lastScrapedAt).toBeInstanceOf(Date);
    const completed = (await raisedEvents()).filter(
      (job) => job.data.type === 'scrape.completed' && job.data.data.source_id === source.id,
    );
    expect(completed).toHaveLength(1);
    expect(completed[0]!.data.data).toMatchObject({ proxies_discovered: 20 });
  });
});
