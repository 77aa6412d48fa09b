import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sourceListServer, type SourceListServer } from '@proxy-pool/test-kit';
import { startTestScraper, type TestScraper } from './support.js';

const IP = '127.83.4.2';
const PORT = 3128;
const json = (entries: object[]) => ({ body: JSON.stringify(entries), contentType: 'application/json' });

let lists: SourceListServer;
let scraper: TestScraper;

beforeAll(async () => {
  lists = await sourceListServer({
    routes: {
      '/tags-a.json': json([{ ip: IP, port: PORT, country: 'DE' }]),
      '/tags-b.json': json([{ ip: IP, port: PORT, anonymity: 'elite' }]),
    },
  });
  scraper = await startTestScraper();
});

afterAll(async () => {
  await scraper?.close();
  await lists?.close();
});

async function storedTags(): Promise<unknown> {
  const rows = await scraper.scraper.db.$queryRaw<Array<{ tags: unknown }>>`
    SELECT tags FROM proxies WHERE ip = ${IP}::inet AND port = ${PORT} AND protocol = 'http'`;
  expect(rows).toHaveLength(1);
  return rows[0]!.tags;
}

describe('tags of a known proxy on a re-scrape', () => {
  it('take the latest value of each key a source names and keep the keys other sources gave', async () => {
    const first = await scraper.createSource(lists.urlFor('/tags-a.json'), { parserName: 'json' });
    expect(await scraper.scrape(first.id)).toMatchObject({ proxies_new: 1 });
    expect(await storedTags()).toEqual({ country: 'DE' });

    lists.setRoute('/tags-a.json', json([{ ip: IP, port: PORT, country: 'FR' }]));
    expect(await scraper.scrape(first.id)).toMatchObject({ proxies_new: 0, proxies_updated: 1 });
    expect(await storedTags()).toEqual({ country: 'FR' });

    const second = await scraper.createSource(lists.urlFor('/tags-b.json'), { parserName: 'json' });
    await scraper.scrape(second.id);
    expect(await storedTags()).toEqual({ country: 'FR', anonymity: 'elite' });

    // A list that says nothing about the proxy's tags leaves them as they are.
    lists.setRoute('/tags-b.json', json([{ ip: IP, port: PORT }]));
    await scraper.scrape(second.id);
    expect(await storedTags()).toEqual({ country: 'FR', anonymity: 'elite' });
  });
});
