import { describe, expect, it } from '@jest/globals';
import type { LookupAddress } from 'node:dns';
import { checkUrl } from '../src/index.js';

const strict = { allowPrivate: false };

/** A resolver with a fixed table, so no test depends on real DNS beyond `localhost`. */
function fakeResolver(table: Record<string, LookupAddress[]>) {
  return async (hostname: string): Promise<LookupAddress[]> => {
    const found = table[hostname];
    if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };
}

describe('checkUrl', () => {
  it.each([
    'ftp://8.8.8.8/list.txt',
    'file:///etc/passwd',
    'gopher://8.8.8.8/',
    'javascript:alert(1)',
    'not a url',
    '',
  ])('refuses %p', async (url) => {
    expect(await checkUrl(url, { allowPrivate: true })).toMatchObject({ ok: false });
  });

  it.each([
    'http://127.0.0.1:8080/list.txt',
    'http://localhost/',
    'http://LOCALHOST./',
    'http://[::1]:8080/',
    'http://10.0.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:127.0.0.1]/',
    'http://2130706433/',
    'http://0x7f.1/',
    'https://0.0.0.0/',
  ])('refuses the private target %s', async (url) => {
    const result = await checkUrl(url, strict);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/private address/);
  });

  it('accepts a public literal IP without DNS, credentials included', async () => {
    const result = await checkUrl('https://user:secret@8.8.8.8/proxies.txt', strict);
    expect(result.ok && result.url.href).toBe('https://user:secret@8.8.8.8/proxies.txt');
  });

  it('refuses a name when ANY resolved address is private', async () => {
    const resolve = fakeResolver({
      'public.example': [{ address: '93.184.216.34', family: 4 }],
      'mixed.example': [
        { address: '93.184.216.34', family: 4 },
        { address: '10.1.2.3', family: 4 },
      ],
      'v6.example': [{ address: 'fd00::5', family: 6 }],
    });
    expect(await checkUrl('https://public.example/list', { ...strict, resolve })).toMatchObject({ ok: true });
    expect(await checkUrl('https://mixed.example/list', { ...strict, resolve })).toEqual({
      ok: false,
      reason: 'mixed.example resolves to 10.1.2.3, a private address',
    });
    expect(await checkUrl('https://v6.example/', { ...strict, resolve })).toMatchObject({ ok: false });
  });

  it('refuses a name that does not resolve', async () => {
    const result = await checkUrl('https://nowhere.example/', { ...strict, resolve: fakeResolver({}) });
    expect(result).toEqual({ ok: false, reason: 'cannot resolve nowhere.example (ENOTFOUND)' });
  });

  it('allows private targets when the setting says so, without resolving', async () => {
    for (const url of ['http://127.0.0.1:8080/', 'http://localhost/', 'http://[::1]/', 'http://10.0.0.1/']) {
      expect(await checkUrl(url, { allowPrivate: true, resolve: fakeResolver({}) })).toMatchObject({ ok: true });
    }
  });
});
