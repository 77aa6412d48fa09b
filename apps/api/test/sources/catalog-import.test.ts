import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, normalizeSourceUrl, type Database } from '@proxy-pool/db';
import { createQueue, createRedis, sourceSchedulerId } from '@proxy-pool/queues';
import { importCatalog, loadCatalog } from '@proxy-pool/source-catalog';
import {
  clearKeys,
  eventually,
  sourceListServer,
  type SourceListServer,
  privateDatabase,
  type PrivateDatabase,
} from '@proxy-pool/test-kit';
import { startScraperFor, startSourcesApi, type SourcesTestApi } from './support.js';

// The shipped catalog names public lists: its sources live in a database of their own that no scraper
// reads, and their schedulers in a queue prefix no worker consumes, so nothing here fetches them.
const catalog = loadCatalog();
let database: PrivateDatabase;
let db: Database;

beforeAll(async () => {
  database = await privateDatabase();
  db = createDatabase({ url: database.url, poolSize: 4 });
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe('importCatalog', () => {
  it('adds every catalog list once, active, as the catalog describes it; a second import adds nothing', async () => {
    await db.source.deleteMany();
    expect(await importCatalog(db)).toEqual({ added: catalog.length, skipped: 0 });
    const rows = await db.source.findMany();
    expect(rows).toHaveLength(catalog.length);
    for (const entry of catalog) {
      expect(rows.find((row) => row.url === normalizeSourceUrl(entry.url))).toMatchObject({
        parserName: entry.parser,
        cronSchedule: entry.schedule,
        defaultProtocol: entry.default_protocol,
        isActive: true,
      });
    }
    expect(await importCatalog(db)).toEqual({ added: 0, skipped: catalog.length });
    expect(await db.source.count()).toBe(catalog.length);
  });

  it('adds each list once when two imports race', async () => {
    await db.source.deleteMany();
    const [first, second] = await Promise.all([importCatalog(db), importCatalog(db)]);
    expect(first!.added + second!.added).toBe(catalog.length);
    expect(first!.skipped + second!.skipped).toBe(catalog.length);
    expect(await db.source.count()).toBe(catalog.length);
  });

  it('skips a list that was added by hand under another spelling of its URL', async () => {
    await db.source.deleteMany();
    const [entry] = catalog;
    const spelled = `${entry!.url.replace('https://raw.githubusercontent.com', 'HTTPS://Raw.GitHubUserContent.com:443')}#by-hand`;
    await db.source.create({
      data: { url: normalizeSourceUrl(spelled), parserName: 'plaintext', cronSchedule: '0 * * * *' },
    });
    expect(await importCatalog(db)).toEqual({ added: catalog.length - 1, skipped: 1 });
  });

  it('gives every source it adds its job scheduler when handed the scrape queue', async () => {
    await db.source.deleteMany();
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'producer');
    const scrapeQueue = createQueue('scrape', { connection: redis, prefix });
    try {
      expect(await importCatalog(db, { scrapeQueue })).toEqual({ added: catalog.length, skipped: 0 });
      for (const row of await db.source.findMany()) {
        expect(await scrapeQueue.getJobScheduler(sourceSchedulerId(row.id))).toMatchObject({
          pattern: row.cronSchedule,
          tz: 'UTC',
        });
      }
      // A second import schedules nothing new.
      expect(await importCatalog(db, { scrapeQueue })).toEqual({ added: 0, skipped: catalog.length });
      expect(await scrapeQueue.getJobSchedulersCount()).toBe(catalog.length);
    } finally {
      await scrapeQueue.close();
      await clearKeys(redis, prefix);
      redis.disconnect();
    }
  });
});

describe('a catalog imported while a scraper runs', () => {
  let own: PrivateDatabase;
  let api: SourcesTestApi;
  let lists: SourceListServer;

  beforeAll(async () => {
    own = await privateDatabase();
    api = await startSourcesApi({ DATABASE_URL: own.url });
    lists = await sourceListServer({
      routes: {
        '/now/socks5.txt': { body: '127.61.0.1:1080\n127.61.0.2:1080\n' },
        '/later/socks5.txt': { body: '127.62.0.1:1080\n' },
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    await lists?.close();
    await own?.drop();
  });

  /** A one-list catalog of a loopback list, scraped every second. */
  const localCatalog = (path: string) =>
    loadCatalog(
      JSON.stringify({
        sources: [
          {
            name: 'local',
            url: lists.urlFor(path),
            parser: 'plaintext',
            default_protocol: 'socks5',
            schedule: '* * * * * *',
            note: 'A loopback list.',
          },
        ],
      }),
    );

  const storedSocks5 = (ips: string[]) =>
    eventually(
      async () => {
        const proxies = await api.ctx.db.proxy.findMany({ where: { ip: { in: ips }, protocol: 'socks5' } });
        return proxies.length === ips.length ? proxies : undefined;
      },
      20_000,
      `scrapes of ${ips.join(', ')}`,
    );

  it('is scraped on its schedule at once when imported with the scrape queue, without a restart', async () => {
    // Once its start-up reconcile is over, its next one is an hour away: only the scheduler the import
    // writes can start this scrape.
    const scraper = await startScraperFor(api, { SCHEDULER_RECONCILE_EVERY_MS: '3600000' });
    try {
      await scraper.scraper.schedules.trigger();
      const entries = localCatalog('/now/socks5.txt');
      expect(await importCatalog(api.ctx.db, { scrapeQueue: api.ctx.queues.scrape, entries })).toEqual({
        added: 1,
        skipped: 0,
      });
      await storedSocks5(['127.61.0.1', '127.61.0.2']);
    } finally {
      await scraper.stop();
    }
  }, 40_000);

  it('is scheduled by the running scraper’s next reconcile when imported without the queue', async () => {
    const scraper = await startScraperFor(api, { SCHEDULER_RECONCILE_EVERY_MS: '1000' });
    try {
      expect(await importCatalog(api.ctx.db, { entries: localCatalog('/later/socks5.txt') })).toEqual({
        added: 1,
        skipped: 0,
      });
      await storedSocks5(['127.62.0.1']);
    } finally {
      await scraper.stop();
    }
  }, 40_000);
});
