import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { LookupAddress } from 'node:dns';
import { SsrfError, safeLookup } from '../src/index.js';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer();
});
afterAll(async () => {
  await server.close();
});

function lookupOnce(allowPrivate: boolean, all: boolean): Promise<string | LookupAddress[]> {
  return new Promise((resolve, reject) => {
    safeLookup({ allowPrivate })('localhost', { all, family: 4 }, (error, address) =>
      error ? reject(error) : resolve(address),
    );
  });
}

function httpGet(lookupAllowsPrivate: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const lookup = safeLookup({ allowPrivate: lookupAllowsPrivate });
    const req = http.get({ host: 'localhost', port: server.port, path: '/', lookup, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

describe('safeLookup', () => {
  it('answers in both dns.lookup shapes when allowed', async () => {
    expect(await lookupOnce(true, false)).toBe('127.0.0.1');
    expect(await lookupOnce(true, true)).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });

  it('fails with an SsrfError naming the host and the address', async () => {
    const error = await lookupOnce(false, true).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SsrfError);
    expect((error as SsrfError).message).toBe('SSRF: localhost resolves to 127.0.0.1, a private address');
    expect((error as SsrfError).code).toBe('ERR_SSRF');
  });

  it('passes resolver errors through', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      safeLookup({ allowPrivate: true })('does-not-exist.invalid', {}, (caught) => resolve(caught)),
    );
    expect(error?.code).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('plugs into node:http as the lookup option', async () => {
    expect(await httpGet(true)).toBe('hello');
    const before = server.hits.length;
    await expect(httpGet(false)).rejects.toThrow(/SSRF: localhost resolves to 127\.0\.0\.1/);
    expect(server.hits.length).toBe(before);
  });
});
