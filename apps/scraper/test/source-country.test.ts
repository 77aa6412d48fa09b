import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sourceListServer, type SourceListServer } from '@proxy-pool/test-kit';
import { sourceCountryOf } from '../src/source-country.js';
import { startTestScraper, type TestScraper } from './support.js';

describe('sourceCountryOf', () => {
  it.each([
    ['US', 'US'],
    [' de ', 'DE'],
    ['uk', 'GB'],
    ['United States', 'US'],
    ['germany', 'DE'],
    ['Russian Federation', 'RU'],
    ['Hong Kong', 'HK'],
  ])('reads %j as %s', (stated, code) => {
    expect(sourceCountryOf(stated)).toBe(code);
  });

  it.each([['EU'], ['ZZ'], ['QQ'], ['Unknown'], ['Moscow'], [''], [undefined]])('reads %j as no country', (stated) => {
    expect(sourceCountryOf(stated)).toBeUndefined();
  });
});

const IP = '127.83.5.7';
const PORT = 8081;
const json = (entries: object[]) => ({ body: JSON.stringify(entries), contentType: 'application/json' });

let lists: SourceListServer;
let scraper: TestScraper;

beforeAll(async () => {
  lists = await sourceListServer({
    routes: { '/country.json': json([{ ip: IP, port: PORT, country: 'United States' }]) },
  });
  scraper = await startTestScraper();
});

afterAll(async () => {
  await scraper?.close();
  await lists?.close();
});

async function stored(): Promise<{ source_country: string | null; tags: unknown }> {
  const rows = await scraper.scraper.db.$queryRaw<Array<{ source_country: string | null; tags: unknown }>>`
    SELECT source_country, tags FROM proxies WHERE ip = ${IP}::inet AND port = ${PORT} AND protocol = 'http'`;
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe('the country a source list states', () => {
  it('is kept as source_country (the newest list that states one), beside the raw tag', async () => {
    const source = await scraper.createSource(lists.urlFor('/country.json'), { parserName: 'json' });
    await scraper.scrape(source.id);
    expect(await stored()).toEqual({ source_country: 'US', tags: { country: 'United States' } });

    lists.setRoute('/country.json', json([{ ip: IP, port: PORT, country: 'de' }]));
    await scraper.scrape(source.id);
    expect(await stored()).toEqual({ source_country: 'DE', tags: { country: 'de' } });

    // A list that states no country, or none that reads as one, leaves the stored one.
    lists.setRoute('/country.json', json([{ ip: IP, port: PORT, country: 'Unknown' }]));
    await scraper.scrape(source.id);
    expect(await stored()).toEqual({ source_country: 'DE', tags: { country: 'Unknown' } });
  });
});
