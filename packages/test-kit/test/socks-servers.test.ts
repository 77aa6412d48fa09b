import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'node:net';
import { echoServer, socks4Server, socks5Server } from '../src/index.js';
import type { EchoAnswer, ServerHandle, SocksServer } from '../src/index.js';
import { getThroughTunnel, open, readBytes } from './clients.js';

let echo: ServerHandle;
const servers: SocksServer[] = [];
const sockets: Socket[] = [];

async function track<T extends SocksServer>(server: Promise<T>): Promise<T> {
  servers.push(await server);
  return server;
}

async function connectTo(server: SocksServer): Promise<Socket> {
  const socket = await open(server.host, server.port);
  sockets.push(socket);
  return socket;
}

function portBytes(port: number): number[] {
  return [port >> 8, port & 255];
}

function exitOf(text: string): string {
  return (JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as EchoAnswer).remoteAddr;
}

beforeAll(async () => {
  echo = await echoServer();
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all([...servers.map((server) => server.close()), echo.close()]);
});

describe('SOCKS5 server', () => {
  const request = (): Buffer => Buffer.from([5, 1, 0, 1, 127, 0, 0, 1, ...portBytes(echo.port)]);

  it('connects without authentication and exits from its exit address', async () => {
    const server = await track(socks5Server({ exitAddress: '127.0.0.7' }));
    const socket = await connectTo(server);
    socket.write(Buffer.from([5, 1, 0]));
    expect([...(await readBytes(socket, 2))]).toEqual([5, 0]);
    socket.write(request());
    expect((await readBytes(socket, 10))[1]).toBe(0);
    expect(exitOf(await getThroughTunnel(socket, '/s5', 'echo'))).toBe('127.0.0.7');
    expect(server.stats.connects).toBe(1);
  });

  it('accepts good credentials and connects by domain name', async () => {
    const server = await track(socks5Server({ auth: { username: 'bob', password: 'pw' } }));
    const socket = await connectTo(server);
    socket.write(Buffer.from([5, 2, 0, 2]));
    expect([...(await readBytes(socket, 2))]).toEqual([5, 2]);
    socket.write(Buffer.from([1, 3, ...Buffer.from('bob'), 2, ...Buffer.from('pw')]));
    expect([...(await readBytes(socket, 2))]).toEqual([1, 0]);
    socket.write(Buffer.from([5, 1, 0, 3, 9, ...Buffer.from('localhost'), ...portBytes(echo.port)]));
    expect((await readBytes(socket, 10))[1]).toBe(0);
    expect(await getThroughTunnel(socket, '/named', 'echo')).toMatch(/^HTTP\/1\.1 200/);
  });

  it('rejects bad credentials and clients offering no acceptable method', async () => {
    const server = await track(socks5Server({ auth: { username: 'bob', password: 'pw' } }));
    const bad = await connectTo(server);
    bad.write(Buffer.from([5, 1, 2]));
    await readBytes(bad, 2);
    bad.write(Buffer.from([1, 3, ...Buffer.from('bob'), 5, ...Buffer.from('wrong')]));
    expect([...(await readBytes(bad, 3))]).toEqual([1, 1]);
    const noAuth = await connectTo(server);
    noAuth.write(Buffer.from([5, 1, 0]));
    expect([...(await readBytes(noAuth, 3))]).toEqual([5, 0xff]);
    expect(server.stats).toEqual({ connects: 0, authFailures: 1 });
  });
});

describe('SOCKS4 server', () => {
  it('connects to an IPv4 destination', async () => {
    const server = await track(socks4Server({ exitAddress: '127.0.0.8' }));
    const socket = await connectTo(server);
    socket.write(Buffer.from([4, 1, ...portBytes(echo.port), 127, 0, 0, 1, ...Buffer.from('user'), 0]));
    expect([...(await readBytes(socket, 8))].slice(0, 2)).toEqual([0, 0x5a]);
    expect(exitOf(await getThroughTunnel(socket, '/s4', 'echo'))).toBe('127.0.0.8');
  });

  it('speaks SOCKS4a and refuses an unreachable destination', async () => {
    const server = await track(socks4Server());
    const named = await connectTo(server);
    named.write(Buffer.from([4, 1, ...portBytes(echo.port), 0, 0, 0, 1, 0, ...Buffer.from('localhost'), 0]));
    expect((await readBytes(named, 8))[1]).toBe(0x5a);
    const closed = await connectTo(server);
    closed.write(Buffer.from([4, 1, 0, 1, 127, 0, 0, 1, 0]));
    expect((await readBytes(closed, 8))[1]).toBe(0x5b);
  });
});
