import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { CronExpressionParser } from 'cron-parser';
import { PROXY_PROTOCOLS } from '@proxy-pool/plugin-contracts';
import { CATALOG_FILE, loadCatalog, protocolFromUrlPath, type CatalogEntry } from '../src/index.js';

const catalog = loadCatalog();
const shipped = JSON.parse(readFileSync(CATALOG_FILE, 'utf8')) as { sources: CatalogEntry[] };
const withEntry = (change: Record<string, unknown>) =>
  JSON.stringify({ sources: [{ ...shipped.sources[0], ...change }] });

describe('the shipped catalog', () => {
  it('holds at least 15 lists covering every protocol, in plaintext and JSON', () => {
    expect(catalog.length).toBeGreaterThanOrEqual(15);
    expect(new Set(catalog.map((entry) => entry.default_protocol))).toEqual(new Set(PROXY_PROTOCOLS));
    expect(new Set(catalog.map((entry) => entry.parser))).toEqual(new Set(['plaintext', 'json']));
  });

  it('fetches from raw GitHub files or the providers’ API hosts, over https', () => {
    for (const entry of catalog) {
      expect(new URL(entry.url).protocol).toBe('https:');
      expect(['raw.githubusercontent.com', 'proxylist.geonode.com', 'api.proxyscrape.com']).toContain(
        new URL(entry.url).hostname,
      );
    }
  });

  it('names the protocol its URL path names, where the path names one', () => {
    for (const entry of catalog) {
      const fromPath = protocolFromUrlPath(entry.url);
      if (fromPath !== null)
        expect({ name: entry.name, protocol: entry.default_protocol }).toEqual({
          name: entry.name,
          protocol: fromPath,
        });
    }
  });

  it('scrapes every list every 30 to 60 minutes, spread so that at most two start in the same minute', () => {
    const startsPerMinute = new Map<number, number>();
    for (const entry of catalog) {
      const runs = CronExpressionParser.parse(entry.schedule, {
        tz: 'UTC',
        currentDate: new Date('2026-01-01T00:00:00Z'),
      });
      const times = Array.from({ length: 4 }, () => runs.next().getTime());
      const gaps = times.slice(1).map((time, index) => (time - times[index]!) / 60_000);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(30);
      for (const gap of gaps) expect(gap).toBeLessThanOrEqual(60);
      for (const time of times) {
        const minute = new Date(time).getUTCMinutes();
        startsPerMinute.set(minute, (startsPerMinute.get(minute) ?? 0) + 1 / times.length);
      }
    }
    expect(Math.max(...startsPerMinute.values())).toBeLessThanOrEqual(2);
  });

  it('describes every list in one line', () => {
    for (const entry of catalog) expect(entry.note).not.toMatch(/\n/);
  });
});

describe('loadCatalog', () => {
  it.each([
    ['an unknown parser', { parser: 'yaml' }, 'unknown parser "yaml"'],
    ['an invalid cron line', { schedule: '61 * * * *' }, '61'],
    ['a cron line of three fields', { schedule: '* * *' }, 'expected 5 fields'],
    ['an unknown protocol', { default_protocol: 'gopher' }, 'default_protocol'],
    ['a non-http URL', { url: 'ftp://example.com/list.txt' }, 'sources.0.url: must be an http or https URL'],
    ['an unknown field', { colour: 'blue' }, 'colour'],
    ['text that is not JSON', null, 'not JSON'],
    ['a name with spaces', { name: 'my list' }, 'name'],
  ])('refuses %s, naming the problem', (_label, change, message) => {
    expect(() => loadCatalog(change === null ? '{"sources": [' : withEntry(change))).toThrow(message);
  });

  it('refuses two entries with one name or one URL (compared normalised)', () => {
    const [first] = shipped.sources;
    const again = (change: Partial<CatalogEntry>) => JSON.stringify({ sources: [first, { ...first, ...change }] });
    expect(() => loadCatalog(again({ url: `${first!.url}?other` }))).toThrow('duplicate name');
    expect(() =>
      loadCatalog(
        again({
          name: 'copy',
          url: first!.url.replace('https://raw.githubusercontent.com', 'HTTPS://RAW.githubusercontent.com:443'),
        }),
      ),
    ).toThrow('duplicate URL');
  });

  it('reads a catalog of one’s own', () => {
    const own = JSON.stringify({
      sources: [
        {
          name: 'own',
          url: 'https://lists.example.com/socks5.txt',
          parser: 'plaintext',
          default_protocol: 'socks5',
          schedule: '*/45 * * * *',
          note: 'Our list.',
        },
      ],
    });
    expect(loadCatalog(own)).toEqual([expect.objectContaining({ name: 'own', default_protocol: 'socks5' })]);
  });
});
