import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { detectParser } from '@proxy-pool/parsers';
import type { ProxyProtocol } from '@proxy-pool/plugin-contracts';
import { loadCatalog, SOURCE_PARSERS } from '../src/index.js';

/**
 * What each catalog entry's recorded sample (test/fixtures, real structure of the live list) must parse to
 * with the entry's own parser and default protocol: how many proxies, how many skipped entries, the
 * protocols seen, and the first entries. A catalog entry without a row here fails the suite.
 */
interface Expectation {
  fixture: string;
  count: number;
  skipped: number;
  protocols: ProxyProtocol[];
  first: string[];
}

const EXPECTED: Record<string, Expectation> = {
  'thespeedx-http': {
    fixture: 'thespeedx-http.txt',
    count: 30,
    skipped: 0,
    protocols: ['http'],
    first: ['http://188.226.89.87:8080', 'http://65.21.212.113:9050'],
  },
  'thespeedx-socks4': {
    fixture: 'thespeedx-socks4.txt',
    count: 28,
    skipped: 0,
    protocols: ['socks4'],
    first: ['socks4://188.226.89.87:8080', 'socks4://65.21.212.113:9050'],
  },
  'thespeedx-socks5': {
    fixture: 'thespeedx-socks5.txt',
    count: 25,
    skipped: 0,
    protocols: ['socks5'],
    first: ['socks5://188.226.89.87:8080', 'socks5://72.195.114.184:4145'],
  },
  'monosans-http': {
    fixture: 'monosans-http.txt',
    count: 25,
    skipped: 0,
    protocols: ['http'],
    first: ['http://57.129.81.201:3128', 'http://67.43.236.20:26499'],
  },
  // Each object names its protocol, which wins over the entry's default.
  'monosans-json': {
    fixture: 'monosans-proxies.json',
    count: 6,
    skipped: 0,
    protocols: ['socks4'],
    first: ['socks4://162.144.79.97:52106', 'socks4://116.107.177.4:1080'],
  },
  // Eight header lines and a footer of prose, then `ip:port CC-A-S +` lines.
  'clarketm-http': {
    fixture: 'clarketm-proxy-list.txt',
    count: 22,
    skipped: 0,
    protocols: ['http'],
    first: ['http://188.134.169.146:44898', 'http://35.234.34.61:80'],
  },
  // `103.250.166.04:6667`: a zero-padded octet is refused (some resolvers read it as octal).
  'hookzof-socks5': {
    fixture: 'hookzof-socks5.txt',
    count: 23,
    skipped: 1,
    protocols: ['socks5'],
    first: ['socks5://103.216.82.203:6667', 'socks5://103.240.161.108:6667'],
  },
  'jetkai-http': {
    fixture: 'jetkai-http.txt',
    count: 22,
    skipped: 0,
    protocols: ['http'],
    first: ['http://1.179.144.41:8080', 'http://1.186.40.35:1111'],
  },
  'jetkai-socks5': {
    fixture: 'jetkai-socks5.txt',
    count: 22,
    skipped: 0,
    protocols: ['socks5'],
    first: ['socks5://1.180.49.222:7302', 'socks5://5.11.17.230:1080'],
  },
  'proxifly-all': {
    fixture: 'proxifly-all.txt',
    count: 22,
    skipped: 0,
    protocols: ['socks5', 'socks4', 'http'],
    first: ['socks5://98.188.47.150:4145', 'socks5://192.252.208.70:14282'],
  },
  'proxifly-socks5-json': {
    fixture: 'proxifly-socks5.json',
    count: 12,
    skipped: 0,
    protocols: ['socks5'],
    first: ['socks5://98.188.47.150:4145', 'socks5://192.252.208.70:14282'],
  },
  'roosterkid-https': {
    fixture: 'roosterkid-https.txt',
    count: 20,
    skipped: 0,
    protocols: ['https'],
    first: ['https://72.10.160.170:10919', 'https://213.97.158.42:3128'],
  },
  'roosterkid-socks4': {
    fixture: 'roosterkid-socks4.txt',
    count: 18,
    skipped: 0,
    protocols: ['socks4'],
    first: ['socks4://65.49.82.7:61190', 'socks4://134.209.106.70:36276'],
  },
  'roosterkid-socks5': {
    fixture: 'roosterkid-socks5.txt',
    count: 14,
    skipped: 0,
    protocols: ['socks5'],
    first: ['socks5://45.79.189.110:28224', 'socks5://37.187.73.7:15229'],
  },
  // A refresh that hit a rate limit left `error code: 1015` glued to the first entry: that line is prose.
  'mmpx12-socks4': {
    fixture: 'mmpx12-socks4.txt',
    count: 24,
    skipped: 0,
    protocols: ['socks4'],
    first: ['socks4://1.4.195.114:4145', 'socks4://1.9.167.35:60489'],
  },
  // {data: [...]} with `protocols` arrays and string ports.
  'geonode-api': {
    fixture: 'geonode-proxy-list.json',
    count: 5,
    skipped: 0,
    protocols: ['https', 'socks4'],
    first: ['https://147.135.255.62:8123', 'https://147.135.255.62:8129'],
  },
  // {proxies: [...]} with a nested ip_data object per proxy.
  'proxyscrape-api': {
    fixture: 'proxyscrape-v4.json',
    count: 4,
    skipped: 0,
    protocols: ['socks4', 'http', 'socks5'],
    first: ['socks4://142.54.229.249:4145', 'http://203.0.113.10:8080'],
  },
};

const catalog = loadCatalog();
const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

describe('every catalog entry parses its recorded sample', () => {
  it('has a recorded sample for every entry', () => {
    expect(catalog.map((entry) => entry.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(catalog.map((entry) => [entry.name, entry] as const))('%s', (name, entry) => {
    const expected = EXPECTED[name]!;
    const body = fixture(expected.fixture);
    const parser = SOURCE_PARSERS.find((candidate) => candidate.name === entry.parser)!;
    const result = parser.parse(body, { defaultProtocol: entry.default_protocol });
    const urls = result.proxies.map((proxy) => `${proxy.protocol}://${proxy.ip}:${proxy.port}`);
    expect({ count: urls.length, skipped: result.skipped }).toEqual({
      count: expected.count,
      skipped: expected.skipped,
    });
    expect([...new Set(result.proxies.map((proxy) => proxy.protocol))]).toEqual(expected.protocols);
    expect(urls.slice(0, expected.first.length)).toEqual(expected.first);
    // Auto-detection agrees with the catalog's choice, so the list reads the same when added by hand.
    expect(detectParser(SOURCE_PARSERS, { body })?.name).toBe(entry.parser);
  });
});

describe('catalog entries carry what a tag filter needs', () => {
  it('keeps country and anonymity from the JSON APIs', () => {
    const geonode = SOURCE_PARSERS.find((parser) => parser.name === 'json')!.parse(fixture('geonode-proxy-list.json'), {
      defaultProtocol: 'http',
    });
    expect(geonode.proxies[2]).toMatchObject({
      ip: '212.83.136.242',
      port: 5836,
      protocol: 'socks4',
      tags: { country: 'FR', anonymity: 'elite' },
    });
  });
});
