import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loopbackProxyLine, sourceListServer, type SourceListServer } from '@proxy-pool/test-kit';
import { startTestScraper, type TestScraper } from './support.js';

const LINES = 100_000;
// Offset so this list's addresses are its own (other tests in the run use low indexes).
const OFFSET = 1_000_000;

let lists: SourceListServer;
let scraper: TestScraper;

beforeAll(async () => {
  const body = Array.from({ length: LINES }, (_, index) => loopbackProxyLine(OFFSET + index)).join('');
  lists = await sourceListServer({ routes: { '/big.txt': { body } } });
  scraper = await startTestScraper();
}, 60_000);

afterAll(async () => {
  await scraper?.close();
  await lists?.close();
});

describe('a 100,000-line list', () => {
  it('is upserted in one scrape, and a re-scrape finds every proxy known', async () => {
    const { db, queues } = scraper.scraper;
    const source = await scraper.createSource(lists.urlFor('/big.txt'));

    const first = await scraper.scrape(source.id);
    expect(first).toMatchObject({
      source_id: source.id,
      proxies_discovered: LINES,
      proxies_new: LINES,
      proxies_updated: 0,
      proxies_skipped: 0,
    });
    const [stored] = await db.$queryRaw<Array<{ proxies: number; unchecked: number }>>`
      SELECT count(*)::int AS proxies, count(*) FILTER (WHERE p.status = 'unchecked')::int AS unchecked
      FROM proxy_sources ps JOIN proxies p ON p.id = ps.proxy_id WHERE ps.source_id = ${source.id}::uuid`;
    expect(stored).toEqual({ proxies: LINES, unchecked: LINES });

    // Every new proxy was queued for validation at once, in batches of 500 with deduplicated ids. (Scoped to
    // this source's proxies: scrapers of other test files may share the database.)
    const linked = await db.proxySource.findMany({ where: { sourceId: source.id }, select: { proxyId: true } });
    const mine = new Set(linked.map((link) => link.proxyId));
    const validate = (await queues.validate.getJobs(['waiting', 'prioritized', 'delayed'])).filter((job) =>
      mine.has(job.data.proxy_ids[0]!),
    );
    const queued = validate.flatMap((job) => job.data.proxy_ids);
    expect(validate.every((job) => job.data.proxy_ids.length <= 500 && job.id === `new-${job.data.proxy_ids[0]}`)).toBe(
      true,
    );
    expect(queued.length).toBe(LINES);
    expect(queued.every((id) => mine.has(id))).toBe(true);
    expect(new Set(queued).size).toBe(LINES);
    const validateJobs = await queues.validate.getJobCountByTypes('waiting', 'prioritized', 'delayed');

    const second = await scraper.scrape(source.id);
    expect(second).toMatchObject({ proxies_discovered: LINES, proxies_new: 0, proxies_updated: LINES });
    const [after] = await db.$queryRaw<Array<{ rows: number; distinct_keys: number; links: number }>>`
      SELECT count(*)::int AS rows, count(DISTINCT (p.ip, p.port, p.protocol))::int AS distinct_keys,
             (SELECT count(*)::int FROM proxy_sources WHERE source_id = ${source.id}::uuid) AS links
      FROM proxies p WHERE p.id IN (SELECT proxy_id FROM proxy_sources WHERE source_id = ${source.id}::uuid)`;
    expect(after).toEqual({ rows: LINES, distinct_keys: LINES, links: LINES });
    // Known proxies are not queued again.
    expect(await queues.validate.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBe(validateJobs);
  }, 180_000);
});
