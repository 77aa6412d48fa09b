import { afterAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'node:net';
import { blackHole, cannedPage, deadPort, errorProxy } from '../src/index.js';
import type { ServerHandle } from '../src/index.js';
import { get, open, readBytes } from './clients.js';

const handles: ServerHandle[] = [];
const sockets: Socket[] = [];

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(handles.map((handle) => handle.close()));
});

describe('misbehaving endpoints', () => {
  it('a black hole accepts connections and never answers', async () => {
    const hole = await blackHole();
    handles.push(hole);
    const socket = await open(hole.host, hole.port);
    sockets.push(socket);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const started = Date.now();
    expect((await readBytes(socket, 1, 300)).length).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(socket.destroyed).toBe(false);
    expect(hole.stats.accepted).toBe(1);
  });

  it('a dead port refuses connections', async () => {
    const dead = await deadPort();
    await expect(open(dead.host, dead.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a canned page answers every request, absolute-URI and CONNECT included, with the same page', async () => {
    const canned = await cannedPage();
    handles.push(canned);
    const plain = await get(canned.host, canned.port, '/anything');
    const proxied = await get(canned.host, canned.port, 'http://127.0.0.1:9/judge?nonce=ab');
    for (const answer of [plain, proxied]) {
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toMatch(/^text\/html/);
      expect(answer.body).toContain('canned');
    }
    const socket = await open(canned.host, canned.port);
    sockets.push(socket);
    socket.write('CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n');
    expect((await readBytes(socket, Number.MAX_SAFE_INTEGER, 1000)).toString()).toMatch(/^HTTP\/1\.1 200[\s\S]*canned/);
    expect(canned.stats.hits).toBe(3);
  });

  it('an error proxy answers 502 to everything', async () => {
    const broken = await errorProxy();
    handles.push(broken);
    const answer = await get(broken.host, broken.port, 'http://127.0.0.1:9/');
    expect(answer.status).toBe(502);
  });
});
