import { describe, expect, it } from '@jest/globals';
import { cronProblem, parserProblem, protocolFromUrlPath } from '../src/index.js';

describe('protocolFromUrlPath', () => {
  it.each([
    ['https://raw.githubusercontent.com/TheSpeedX/PROXY-List/master/socks5.txt', 'socks5'],
    ['https://example.com/lists/socks4/', 'socks4'],
    ['https://example.com/http.txt', 'http'],
    ['https://example.com/https.txt', 'https'],
    ['https://example.com/proxies/socks5', 'socks5'],
    ['https://raw.githubusercontent.com/roosterkid/openproxylist/main/SOCKS5_RAW.txt', 'socks5'],
    ['https://example.com/online-proxies/txt/proxies-socks4.txt', 'socks4'],
    ['https://raw.githubusercontent.com/hookzof/socks5_list/master/proxy.txt', 'socks5'],
    ['https://example.com/socks5h.txt', 'socks5'],
    ['https://example.com/http/socks4.txt', 'socks4'],
  ])('reads %s as %s', (url, protocol) => {
    expect(protocolFromUrlPath(url)).toBe(protocol);
  });

  it.each([
    ['a path naming no protocol', 'https://example.com/proxies.txt'],
    ['a file naming two', 'https://example.com/proxies-http+https.txt'],
    ['the query string', 'https://api.example.com/get?protocol=socks5'],
    ['the host', 'https://socks5.example.com/list.txt'],
    ['a word that only contains one', 'https://example.com/httpbin/list.txt'],
    ['not a URL', 'socks5.txt'],
  ])('reads nothing from %s', (_label, url) => {
    expect(protocolFromUrlPath(url)).toBeNull();
  });
});

describe('source rules', () => {
  it('accepts 5- and 6-field cron lines and aliases, and explains a refusal', () => {
    expect(cronProblem('*/30 * * * *')).toBeNull();
    expect(cronProblem('0 */30 * * * *')).toBeNull();
    expect(cronProblem('@hourly')).toBeNull();
    expect(cronProblem('* * *')).toContain('expected 5 fields');
    expect(cronProblem('61 * * * *')).toContain('61');
  });

  it('knows the registered parsers', () => {
    expect(parserProblem('plaintext')).toBeNull();
    expect(parserProblem('yaml')).toBe('unknown parser "yaml"; registered: json, csv, html-table, plaintext');
  });
});
