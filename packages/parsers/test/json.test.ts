import { describe, expect, it } from '@jest/globals';
import { describeParserContract } from '@proxy-pool/plugin-contracts/testing';
import { jsonParser } from '../src/index.js';
import { httpContext, urls } from './helpers.js';

describeParserContract(jsonParser, {
  body: JSON.stringify([
    { ip: '203.0.113.5', port: 8080, protocol: 'http' },
    { host: '198.51.100.7', port: '1080', type: 'SOCKS5' },
  ]),
  expected: ['203.0.113.5:8080', '198.51.100.7:1080'],
  foreignBody: '203.0.113.5:8080\n198.51.100.7:1080\n',
});

const parse = (body: string) => jsonParser.parse(body, httpContext);

describe('json parser', () => {
  it('reads common field names, protocol arrays, credentials and tags', () => {
    const body = JSON.stringify([
      {
        ip_address: '203.0.113.1',
        port: 3128,
        protocols: ['socks4', 'socks5'],
        country: 'DE',
        anonymityLevel: 'elite',
      },
      { address: '203.0.113.2', port: '443', scheme: 'https', username: 'alice', password: 'secret' },
      { ip: '203.0.113.3', port: 80, user: 'bob', pass: 'pw', type: 'socks5h' },
      { ip: '203.0.113.4:8000' },
      { proxy: 'socks5://203.0.113.5:1080', country_code: 'NL' },
    ]);
    const result = parse(body);
    expect(urls(result)).toEqual([
      'socks4://203.0.113.1:3128',
      'https://203.0.113.2:443',
      'socks5://203.0.113.3:80',
      'http://203.0.113.4:8000',
      'socks5://203.0.113.5:1080',
    ]);
    expect(result.proxies[0]?.tags).toEqual({ country: 'DE', anonymity: 'elite' });
    expect(result.proxies[1]).toMatchObject({ username: 'alice', password: 'secret' });
    expect(result.proxies[2]).toMatchObject({ username: 'bob', password: 'pw' });
    expect(result.proxies[4]?.tags).toEqual({ country: 'NL' });
  });

  it.each(['proxies', 'data', 'items', 'results'])('finds the list wrapped under "%s"', (key) => {
    const body = JSON.stringify({ total: 1, [key]: [{ ip: '203.0.113.5', port: 8080 }] });
    expect(urls(parse(body))).toEqual(['http://203.0.113.5:8080']);
    expect(jsonParser.supports({ body })).toBe(true);
  });

  it('tolerates "ip:port" strings, a BOM and whitespace', () => {
    const result = parse('\uFEFF  ["203.0.113.5:8080", "socks4://203.0.113.6:1080", "junk"]\n');
    expect(urls(result)).toEqual(['http://203.0.113.5:8080', 'socks4://203.0.113.6:1080']);
    expect(result.skipped).toBe(1);
  });

  it('skips bad entries and emits duplicates once', () => {
    const body = JSON.stringify([
      { ip: '203.0.113.5', port: 8080 },
      { ip: '203.0.113.5', port: '8080', protocol: 'http' },
      { ip: '256.1.1.1', port: 8080 },
      { ip: '203.0.113.5', port: 0 },
      { ip: '203.0.113.5', port: 65536 },
      { ip: '203.0.113.5', port: 'abc' },
      { ip: '203.0.113.5', port: 80.5 },
      { ip: '::1', port: 8080 },
      { ip: '203.0.113.5', port: 8080, protocol: 'gopher' },
      { name: 'no address' },
      42,
      null,
    ]);
    const result = parse(body);
    expect(urls(result)).toEqual(['http://203.0.113.5:8080']);
    expect(result.skipped).toBe(10);
  });

  it('counts an unparseable body as one skip instead of throwing', () => {
    expect(parse('[{"ip": "203.0.113.5", "port": 80')).toEqual({ proxies: [], skipped: 1 });
  });

  it('claims only JSON that holds proxies', () => {
    expect(jsonParser.supports({ body: '{"status": "ok", "count": 3}' })).toBe(false);
    expect(jsonParser.supports({ body: '[1, 2, 3]' })).toBe(false);
    expect(jsonParser.supports({ body: '<table><tr><td>203.0.113.5</td></tr></table>' })).toBe(false);
    // A sample cut off mid-document still shows its shape.
    expect(jsonParser.supports({ body: '[{"ip": "203.0.113.5", "port": 8080}, {"ip": "203.0' })).toBe(true);
  });
});
