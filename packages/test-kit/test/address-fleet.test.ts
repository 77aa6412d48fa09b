import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addressFleetHost, echoServer, startAddressFleet } from '../src/index.js';
import type { EchoAnswer, ForwardProxy, ServerHandle } from '../src/index.js';
import { get, getThroughTunnel, open, readBytes } from './clients.js';

let echo: ServerHandle;
let fleet: ForwardProxy;

beforeAll(async () => {
  [echo, fleet] = await Promise.all([echoServer(), startAddressFleet()]);
});
afterAll(async () => {
  await Promise.all([fleet.close(), echo.close()]);
});

describe('startAddressFleet', () => {
  it('names distinct loopback addresses outside the spread fleet', () => {
    expect(addressFleetHost(0)).toBe('127.1.0.1');
    expect(addressFleetHost(249)).toBe('127.1.0.250');
    expect(addressFleetHost(250)).toBe('127.1.1.1');
    expect(addressFleetHost(64_000)).toBe('127.2.0.1');
    const hosts = new Set(Array.from({ length: 70_000 }, (_, index) => addressFleetHost(index)));
    expect(hosts.size).toBe(70_000);
  });

  it('serves every address on its port as an elite proxy exiting by that address', async () => {
    for (const host of [addressFleetHost(0), addressFleetHost(29_999)]) {
      const answer = await get(host, fleet.port, `${echo.url}/`);
      expect(answer.status).toBe(200);
      const seen = JSON.parse(answer.body) as EchoAnswer;
      expect(seen.remoteAddr).toBe(host);
      expect(seen.headers.via).toBeUndefined();
      expect(seen.headers['x-forwarded-for']).toBeUndefined();
    }
  });

  it('tunnels CONNECT from the connected address', async () => {
    const host = addressFleetHost(12_345);
    const socket = await open(host, fleet.port);
    const target = new URL(echo.url);
    socket.write(`CONNECT ${target.host} HTTP/1.1\r\nHost: ${target.host}\r\n\r\n`);
    expect((await readBytes(socket, 39)).toString()).toContain('200 Connection Established');
    const answer = await getThroughTunnel(socket, '/', target.host);
    expect(answer).toContain(`"remoteAddr":"${host}"`);
    socket.destroy();
  });
});
