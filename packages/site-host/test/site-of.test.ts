import { describe, expect, it } from '@jest/globals';
import { siteOf } from '../src/index.js';

describe('siteOf', () => {
  it.each([
    ['https://shop.example.co.uk/basket?x=1', 'example.co.uk'],
    ['www.Example.com', 'example.com'],
    ['api.example.com:8443', 'example.com'],
    ['http://127.0.0.9:8080/page', '127.0.0.9'],
    ['[::1]:80', '::1'],
    ['localhost:3000', 'localhost'],
    ['user.github.io', 'github.io'],
  ])('%s → %s', (input, site) => {
    expect(siteOf(input)).toBe(site);
  });

  it.each(['', '   ', 'http://', '://nohost', 'garbage', '1e309', 'eyJpZCI6Ii4uLiJ9', 'intranet:8080'])(
    'names no site: %j',
    (input) => {
      expect(siteOf(input)).toBeNull();
    },
  );
});
