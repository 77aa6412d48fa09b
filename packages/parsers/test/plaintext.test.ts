import { describe, expect, it } from '@jest/globals';
import { describeParserContract } from '@proxy-pool/plugin-contracts/testing';
import { plaintextParser } from '../src/index.js';
import { bigBody, cpuMillis, httpContext, loopbackAddress, urls } from './helpers.js';

describeParserContract(plaintextParser, {
  body: '# free proxies\n203.0.113.5:8080\n198.51.100.7:3128 US elite\nsocks5://192.0.2.9:1080\n',
  expected: ['203.0.113.5:8080', '198.51.100.7:3128', '192.0.2.9:1080'],
  foreignBody: 'ip,port,protocol\n203.0.113.5,8080,http\n198.51.100.7,3128,socks5\n',
});

const parse = (body: string) => plaintextParser.parse(body, httpContext);

describe('plaintext parser', () => {
  it('ignores comments, blank lines, CRLF, a BOM, surrounding whitespace and trailing junk', () => {
    const body = '\uFEFF# header\r\n// another comment\r\n\r\n  203.0.113.5:8080  \r\n203.0.113.6:80\tUS\telite\r\n';
    const result = parse(body);
    expect(urls(result)).toEqual(['http://203.0.113.5:8080', 'http://203.0.113.6:80']);
    expect(result.skipped).toBe(0);
  });

  it('reads schemes, aliases and credentials', () => {
    const body = [
      'https://203.0.113.1:443',
      'SOCKS4://203.0.113.2:1080',
      'socks4a://203.0.113.3:1080',
      'socks5h://alice:s%3Acret@203.0.113.4:1080',
      'http://bob:pw@203.0.113.5:8080/',
      '203.0.113.6:3128:carol:secret',
    ].join('\n');
    const result = parse(body);
    expect(urls(result)).toEqual([
      'https://203.0.113.1:443',
      'socks4://203.0.113.2:1080',
      'socks4://203.0.113.3:1080',
      'socks5://203.0.113.4:1080',
      'http://203.0.113.5:8080',
      'http://203.0.113.6:3128',
    ]);
    expect(result.proxies[3]).toMatchObject({ username: 'alice', password: 's:cret' });
    expect(result.proxies[4]).toMatchObject({ username: 'bob', password: 'pw' });
    expect(result.proxies[5]).toMatchObject({ username: 'carol', password: 'secret' });
    expect(result.proxies[0]).not.toHaveProperty('username');
  });

  it('uses the default protocol for bare entries', () => {
    const result = plaintextParser.parse('203.0.113.5:1080', { defaultProtocol: 'socks5' });
    expect(urls(result)).toEqual(['socks5://203.0.113.5:1080']);
  });

  it('skips unknown schemes, bad ports, bad addresses, IPv6 literals and junk lines', () => {
    const bad = [
      'ftp://203.0.113.5:21',
      '203.0.113.5:0',
      '203.0.113.5:65536',
      '203.0.113.5:abc',
      '203.0.113.5:',
      '256.1.1.1:8080',
      '01.2.3.4:8080',
      '1.2.3:8080',
      '1.2.3.4.5:8080',
      '[::1]:8080',
      '[2001:db8::1]:3128',
      '2001:db8::1',
      'example.com:8080',
    ];
    const result = parse(['203.0.113.5:8080', ...bad, '203.0.113.5:65535'].join('\n'));
    expect(urls(result)).toEqual(['http://203.0.113.5:8080', 'http://203.0.113.5:65535']);
    expect(result.skipped).toBe(bad.length);
  });

  it('passes over prose lines (no digit in the first word) without counting them as skipped', () => {
    const body = [
      'Proxy list updated at Sun, 21 Jun 20 07:55:10 +0300',
      'Mirrors=http://spys.me/proxy.txt https://t.me/spys_one',
      'IP address:Port CountryCode-Anonymity(Noa/Anm/Hia)-SSL_support(S)-Google_passed(+)',
      '203.0.113.5:8080 US-H-S +',
      'error code: 1015',
      '203.0.113.6:3128 DE-N -',
      'v2.1:broken',
      'Free open HTTP/HTTPS(SSL) proxy list',
    ].join('\n');
    const result = parse(body);
    expect(urls(result)).toEqual(['http://203.0.113.5:8080', 'http://203.0.113.6:3128']);
    expect(result.skipped).toBe(1);
  });

  it('emits duplicates once, keeping the same address under different protocols', () => {
    const body = '203.0.113.5:8080\n203.0.113.5:8080\nhttp://203.0.113.5:8080\nsocks5://203.0.113.5:8080\n';
    const result = parse(body);
    expect(urls(result)).toEqual(['http://203.0.113.5:8080', 'socks5://203.0.113.5:8080']);
    expect(result.skipped).toBe(0);
  });

  it('claims line lists only when most meaningful lines are entries', () => {
    expect(plaintextParser.supports({ body: '# list\n203.0.113.5:8080\n203.0.113.6:80 US\n' })).toBe(true);
    expect(plaintextParser.supports({ body: 'Proxy list\nupdated today\n203.0.113.5:8080\n' })).toBe(false);
    expect(plaintextParser.supports({ body: '# only comments\n// here\n' })).toBe(false);
    expect(plaintextParser.supports({ body: '[{"ip":"203.0.113.5","port":8080}]' })).toBe(false);
  });

  it('parses a 10 MB list completely, in linear time', () => {
    const { body, lines } = bigBody(10 * 1024 * 1024, (i) => `${loopbackAddress(i)}:${1024 + (i % 50000)}`);
    let result = parse('');
    // A guard against super-linear parsing (which would take minutes), not a benchmark: `npm run bench:scrape`
    // measures speed (about 1 s of CPU here).
    expect(cpuMillis(() => (result = parse(body)))).toBeLessThan(15_000);
    expect(result.proxies).toHaveLength(lines);
    expect(result.skipped).toBe(0);
  });
});
