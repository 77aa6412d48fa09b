import { describe, expect, it } from '@jest/globals';
import { describeParserContract } from '@proxy-pool/plugin-contracts/testing';
import { csvParser } from '../src/index.js';
import { httpContext, urls } from './helpers.js';

describeParserContract(csvParser, {
  body: 'ip,port,protocol,country\n203.0.113.5,8080,http,US\n198.51.100.7,1080,socks5,DE\n',
  expected: ['203.0.113.5:8080', '198.51.100.7:1080'],
  foreignBody: '203.0.113.5:8080\n198.51.100.7:1080 US elite\n',
});

const parse = (body: string) => csvParser.parse(body, httpContext);

describe('csv parser', () => {
  it('maps header names in any order, with tags and credentials', () => {
    const body = '\uFEFFCountry;Type;Port;IP Address;Username;Password\r\nUS;SOCKS5;1080;203.0.113.5;alice;secret\r\n';
    const result = parse(body);
    expect(urls(result)).toEqual(['socks5://203.0.113.5:1080']);
    expect(result.proxies[0]).toMatchObject({ username: 'alice', password: 'secret', tags: { country: 'US' } });
  });

  it('reads headerless ip,port[,protocol] rows with tab delimiters', () => {
    const result = parse('203.0.113.5\t8080\n203.0.113.6\t1080\tsocks4a\n');
    expect(urls(result)).toEqual(['http://203.0.113.5:8080', 'socks4://203.0.113.6:1080']);
  });

  it('handles quoted fields with delimiters, escaped quotes and newlines inside', () => {
    const body = 'ip,port,protocol,note\n"203.0.113.5","8080","https","fast, ""elite""\nline two"\n203.0.113.6,80,,\n';
    const result = parse(body);
    expect(urls(result)).toEqual(['https://203.0.113.5:8080', 'http://203.0.113.6:80']);
    expect(result.skipped).toBe(0);
  });

  it('reads the free-proxy-list export layout (Https yes/no)', () => {
    const body = [
      'IP Address,Port,Code,Country,Anonymity,Google,Https,Last Checked',
      '203.0.113.5,8080,US,United States,elite proxy,no,yes,1 min ago',
      '203.0.113.6,3128,FR,France,anonymous,no,no,2 mins ago',
    ].join('\n');
    const result = parse(body);
    expect(urls(result)).toEqual(['https://203.0.113.5:8080', 'http://203.0.113.6:3128']);
    expect(result.proxies[0]?.tags).toEqual({ country: 'US', anonymity: 'elite proxy' });
  });

  it('skips bad rows, comments and blank lines; emits duplicates once', () => {
    const body = [
      '# exported list',
      'ip,port,protocol',
      '203.0.113.5,8080,http',
      '',
      '203.0.113.5,8080,http',
      '256.1.1.1,8080,http',
      '203.0.113.5,0,http',
      '203.0.113.5,65536,http',
      '203.0.113.5,abc,http',
      '[::1],8080,http',
      '203.0.113.5,8080,ftp',
      'garbage',
    ].join('\n');
    const result = parse(body);
    expect(urls(result)).toEqual(['http://203.0.113.5:8080']);
    expect(result.skipped).toBe(7);
  });

  it('claims headered and headerless CSV but not other formats', () => {
    expect(csvParser.supports({ body: '203.0.113.5,8080\n203.0.113.6,3128\n' })).toBe(true);
    expect(csvParser.supports({ body: 'host;port\n' })).toBe(true);
    expect(csvParser.supports({ body: 'name,value\nfoo,1\n' })).toBe(false);
    expect(csvParser.supports({ body: 'proxy\n203.0.113.5:8080\n' })).toBe(false);
    expect(csvParser.supports({ body: '[{"ip":"203.0.113.5","port":8080}]' })).toBe(false);
  });
});
