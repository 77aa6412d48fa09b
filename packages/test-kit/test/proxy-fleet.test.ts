import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { echoServer, startProxyFleet } from '../src/index.js';
import type { EchoAnswer, ProxyFleet, ServerHandle } from '../src/index.js';
import { get } from './clients.js';

let echo: ServerHandle;
const fleets: ProxyFleet[] = [];

beforeAll(async () => {
  echo = await echoServer();
});
afterAll(async () => {
  await Promise.all([...fleets.map((fleet) => fleet.close()), echo.close()]);
});

describe('startProxyFleet', () => {
  it('starts many working proxies on distinct loopback addresses', async () => {
    const fleet = await startProxyFleet(300, 'transparent', { hosts: 'spread' });
    fleets.push(fleet);
    expect(new Set(fleet.proxies.map((proxy) => proxy.host)).size).toBe(300);
    expect(fleet.proxies[299]?.host).toBe('127.0.2.50');
    for (const proxy of [fleet.proxies[0], fleet.proxies[299]]) {
      if (proxy === undefined) throw new Error('missing proxy');
      const answer = await get(proxy.host, proxy.port, `${echo.url}/`);
      expect((JSON.parse(answer.body) as EchoAnswer).headers['x-forwarded-for']).toBe('127.0.0.1');
    }
  });

  it('starts SOCKS fleets on one address', async () => {
    const fleet = await startProxyFleet(5, 'socks5');
    fleets.push(fleet);
    expect(fleet.proxies.every((proxy) => proxy.host === '127.0.0.1' && proxy.url.startsWith('socks5://'))).toBe(true);
  });
});
