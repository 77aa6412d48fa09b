import { describe, expect, it } from '@jest/globals';
import { defineParser } from '@proxy-pool/plugin-contracts';
import { builtinParsers, detectParser } from '../src/index.js';

const SAMPLES: Record<string, string> = {
  json: '[{"ip":"203.0.113.5","port":8080,"protocol":"http"}]',
  'json (wrapped)': '{"data":[{"ip":"203.0.113.5","port":"8080","protocols":["socks5"]}],"total":1}',
  'json (strings)': '["203.0.113.5:8080","203.0.113.6:3128"]',
  csv: 'ip,port,protocol\n203.0.113.5,8080,http\n',
  'csv (headerless, semicolons)': '203.0.113.5;8080;http\n203.0.113.6;3128;https\n',
  'html-table':
    '<html><table><tr><th>IP Address</th><th>Port</th></tr><tr><td>203.0.113.5</td><td>8080</td></tr></table></html>',
  plaintext: '# list\r\n203.0.113.5:8080\r\nsocks5://u:p@203.0.113.6:1080\r\n203.0.113.7:3128 US elite\r\n',
};

describe('detectParser with the built-in parsers', () => {
  it('keeps the documented order', () => {
    expect(builtinParsers.map((parser) => parser.name)).toEqual(['json', 'csv', 'html-table', 'plaintext']);
  });

  it.each(Object.entries(SAMPLES))('picks the right parser for %s', (label, body) => {
    expect(detectParser(builtinParsers, { body })?.name).toBe(label.split(' ')[0]);
  });

  it('returns null when no parser claims the sample', () => {
    expect(detectParser(builtinParsers, { body: 'Hello, world.\nNothing to see here.' })).toBeNull();
    expect(detectParser(builtinParsers, { body: '' })).toBeNull();
  });

  it('skips a parser whose supports() throws', () => {
    const broken = defineParser({
      name: 'broken',
      supports: () => {
        throw new Error('boom');
      },
      parse: () => ({ proxies: [], skipped: 0 }),
    });
    expect(detectParser([broken, ...builtinParsers], { body: SAMPLES.csv ?? '' })?.name).toBe('csv');
  });
});
