import { describe, expect, it } from '@jest/globals';
import { arrayParameter } from '../src/index.js';

describe('the scrape upsert array parameters', () => {
  it('send addresses, ports and protocols as one literal each and an empty column as NULL', () => {
    expect(arrayParameter(['203.0.113.5', '2001:db8::1'])).toBe('{203.0.113.5,2001:db8::1}');
    expect(arrayParameter([8080, 3128])).toBe('{8080,3128}');
    expect(arrayParameter(['http', 'socks5'])).toBe('{http,socks5}');
    expect(arrayParameter([null, null])).toBeNull();
  });

  it('leave anything that needs quoting to node-postgres: a value cannot smuggle a second element in', () => {
    expect(arrayParameter(['203.0.113.5,203.0.113.6'])).toEqual(['203.0.113.5,203.0.113.6']);
    expect(arrayParameter(['{1.1.1.1}'])).toEqual(['{1.1.1.1}']);
    expect(arrayParameter(['NULL'])).toEqual(['NULL']);
    expect(arrayParameter(['alice', null])).toEqual(['alice', null]);
  });
});
