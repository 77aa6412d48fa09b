import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import got from 'got';
import type { OptionsOfTextResponseBody } from 'got';
import type { LookupFunction } from 'node:net';
import { SsrfError, safeLookup, ssrfGotOptions } from '../src/index.js';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer();
});
afterAll(async () => {
  await server.close();
});

const fetchText = (url: string, options: OptionsOfTextResponseBody) =>
  got(url, { ...options, retry: { limit: 0 }, timeout: { request: 5000 } }).text();

describe('ssrfGotOptions with private targets refused', () => {
  const strict = ssrfGotOptions({ allowPrivate: false });

  it.each([
    ['a name resolving to loopback', 'localhost', /SSRF: localhost resolves to (127\.0\.0\.1|::1), a private address/],
    ['a loopback literal', '127.0.0.1', /SSRF: 127\.0\.0\.1 resolves to 127\.0\.0\.1, a private address/],
    ['an IPv6 loopback literal', '[::1]', /SSRF: \[::1\] resolves to ::1, a private address/],
  ])('refuses %s before connecting', async (_label, host, message) => {
    const before = server.hits.length;
    await expect(fetchText(`http://${host}:${server.port}/`, strict)).rejects.toThrow(message);
    expect(server.hits.length).toBe(before);
  });

  it('never reuses a socket pooled by an unguarded request', async () => {
    // node's global agent keeps sockets alive: without agents of its own, the guarded client could reuse it.
    expect(await got(`http://localhost:${server.port}/`, { retry: { limit: 0 } }).text()).toBe('hello');
    await expect(fetchText(`http://localhost:${server.port}/`, strict)).rejects.toThrow(/SSRF: localhost/);
  });
});

describe('ssrfGotOptions with private targets allowed', () => {
  const lenient = ssrfGotOptions({ allowPrivate: true });

  it.each(['localhost', '127.0.0.1'])('fetches the loopback server through %s', async (host) => {
    expect(await fetchText(`http://${host}:${server.port}/`, lenient)).toBe('hello');
  });

  it('follows a redirect to loopback', async () => {
    const target = encodeURIComponent(`http://127.0.0.1:${server.port}/`);
    expect(await fetchText(`http://localhost:${server.port}/redirect?to=${target}`, lenient)).toBe('hello');
  });
});

describe('redirects from a public host to a private one', () => {
  // No public server can exist in a test: `public.test` plays one, its lookup answering 127.0.0.1 as if it
  // were public, while every other name goes through the real guarded lookup and the real hooks apply.
  const guarded = safeLookup({ allowPrivate: false });
  const publicTestLookup: LookupFunction = (hostname, options, callback) => {
    if (hostname !== 'public.test') return guarded(hostname, options, callback);
    if (options.all === true) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
  };
  const options = { ...ssrfGotOptions({ allowPrivate: false }), dnsLookup: publicTestLookup };

  it.each([
    ['a private literal IP (beforeRedirect hook)', '127.0.0.1', /SSRF: 127\.0\.0\.1 resolves to 127\.0\.0\.1/],
    ['a name resolving to loopback (lookup)', 'localhost', /SSRF: localhost resolves to/],
  ])('fails a redirect to %s after the first hop', async (_label, host, message) => {
    const target = encodeURIComponent(`http://${host}:${server.port}/secret`);
    const before = server.hits.length;
    await expect(fetchText(`http://public.test:${server.port}/redirect?to=${target}`, options)).rejects.toThrow(
      message,
    );
    expect(server.hits.slice(before)).toEqual([`/redirect?to=${target}`]);
  });

  it('exposes the redirect guard for direct use', () => {
    const [strictGuard] = ssrfGotOptions({ allowPrivate: false }).hooks.beforeRedirect;
    const [lenientGuard] = ssrfGotOptions({ allowPrivate: true }).hooks.beforeRedirect;
    const metadata = { url: new URL('http://169.254.169.254/latest/meta-data/') };
    expect(() => strictGuard?.(metadata)).toThrow(SsrfError);
    expect(() => strictGuard?.({ url: 'http://[fd00::1]:8080/' })).toThrow(/fd00::1, a private address/);
    expect(() => strictGuard?.({ url: new URL('https://8.8.8.8/') })).not.toThrow();
    expect(() => strictGuard?.({ url: new URL('https://example.com/') })).not.toThrow();
    expect(() => lenientGuard?.(metadata)).not.toThrow();
  });
});
