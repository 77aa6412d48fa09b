import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { basicAuthHeader, echoServer, forwardProxy } from '../src/index.js';
import type { EchoAnswer, ForwardProxy, ServerHandle } from '../src/index.js';
import { get, getThroughTunnel } from './clients.js';

const REVEALING = ['via', 'x-forwarded-for', 'forwarded', 'x-real-ip', 'proxy-connection'];
let echo: ServerHandle;
const proxies: ForwardProxy[] = [];

async function start(
  kind: ForwardProxy['kind'],
  extra: Partial<Parameters<typeof forwardProxy>[0]> = {},
): Promise<ForwardProxy> {
  const proxy = await forwardProxy({ kind, exitAddress: '127.0.0.9', ...extra });
  proxies.push(proxy);
  return proxy;
}

async function echoThrough(proxy: ForwardProxy, headers = {}): Promise<EchoAnswer> {
  const answer = await get(proxy.host, proxy.port, `${echo.url}/seen?x=1`, headers);
  expect(answer.status).toBe(200);
  return JSON.parse(answer.body) as EchoAnswer;
}

beforeAll(async () => {
  echo = await echoServer();
});
afterAll(async () => {
  await Promise.all([...proxies.map((proxy) => proxy.close()), echo.close()]);
});

describe('forward proxies', () => {
  it('elite adds no proxy header and exits from its exit address', async () => {
    const seen = await echoThrough(await start('elite'), { 'X-Custom': 'kept' });
    expect(seen.url).toBe('/seen?x=1');
    expect(seen.remoteAddr).toBe('127.0.0.9');
    expect(seen.headers['x-custom']).toBe('kept');
    for (const name of REVEALING) expect(seen.headers[name]).toBeUndefined();
  });

  it('anonymous adds Via but not the client address', async () => {
    const seen = await echoThrough(await start('anonymous'));
    expect(seen.headers.via).toBe('1.1 fakeproxy');
    const { host: _judgeHost, ...added } = seen.headers;
    expect(JSON.stringify(added)).not.toContain('127.0.0.1');
    expect(seen.headers['x-forwarded-for']).toBeUndefined();
  });

  it('transparent adds the client address in X-Forwarded-For', async () => {
    const seen = await echoThrough(await start('transparent'));
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.remoteAddr).toBe('127.0.0.9');
  });

  it('demands credentials when configured and counts what it handled', async () => {
    const auth = { username: 'alice', password: 's3cret' };
    const proxy = await start('elite', { auth });
    expect((await get(proxy.host, proxy.port, `${echo.url}/`)).status).toBe(407);
    const wrong = basicAuthHeader({ username: 'alice', password: 'nope' });
    expect((await get(proxy.host, proxy.port, `${echo.url}/`, { 'Proxy-Authorization': wrong })).status).toBe(407);
    const seen = await echoThrough(proxy, { 'Proxy-Authorization': basicAuthHeader(auth) });
    expect(seen.headers['proxy-authorization']).toBeUndefined();
    expect(proxy.stats).toEqual({ requests: 1, connects: 0, authFailures: 2 });
  });

  it('tunnels CONNECT to the destination', async () => {
    const proxy = await start('anonymous');
    const echoAuthority = `${echo.host}:${echo.port}`;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const req = request({ host: proxy.host, port: proxy.port, method: 'CONNECT', path: echoAuthority, agent: false });
      req.once('connect', (res, tunnel: Socket) =>
        res.statusCode === 200 ? resolve(tunnel) : reject(new Error(`status ${res.statusCode}`)),
      );
      req.once('error', reject);
      req.end();
    });
    const text = await getThroughTunnel(socket, '/inside', echoAuthority);
    socket.destroy();
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    const seen = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as EchoAnswer;
    expect(seen.url).toBe('/inside');
    expect(seen.remoteAddr).toBe('127.0.0.9');
    expect(seen.headers.via).toBeUndefined();
    expect(proxy.stats.connects).toBe(1);
  });
});
