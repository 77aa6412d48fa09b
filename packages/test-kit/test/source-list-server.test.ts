import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { sourceListServer } from '../src/index.js';
import type { SourceListServer } from '../src/index.js';
import { get } from './clients.js';

let server: SourceListServer;
const LIST = '127.0.0.1:8080\n127.0.0.2:3128\n';

beforeAll(async () => {
  server = await sourceListServer({
    routes: {
      '/list.txt': { body: LIST },
      '/list.json': { body: '[{"ip":"127.0.0.3","port":80}]', contentType: 'application/json' },
      '/missing': { body: 'gone', status: 410 },
      '/slow': { body: LIST, delayMs: 300 },
      '/hang': { body: LIST.repeat(100), hangMidBody: true },
      '/moved': { redirectTo: '/list.txt' },
      '/huge': { generate: { bytes: 3 * 1024 * 1024 } },
    },
  });
});
afterAll(() => server.close());

/** Reads a response body until it ends or `timeoutMs` passes. */
function readBody(path: string, timeoutMs: number): Promise<{ bytes: number; complete: boolean; first: string }> {
  return new Promise((resolve, reject) => {
    const req = request(server.urlFor(path), { agent: false }, (res) => {
      let bytes = 0;
      let first = '';
      const timer = setTimeout(() => {
        req.destroy();
        resolve({ bytes, complete: false, first });
      }, timeoutMs);
      res.on('data', (chunk: Buffer) => {
        if (bytes === 0) first = chunk.subarray(0, 64).toString();
        bytes += chunk.length;
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ bytes, complete: true, first });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('source-list server', () => {
  it('serves bodies with the chosen content type and status', async () => {
    const text = await get(server.host, server.port, '/list.txt');
    expect(text).toMatchObject({ status: 200, body: LIST });
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect((await get(server.host, server.port, '/list.json')).headers['content-type']).toBe('application/json');
    expect((await get(server.host, server.port, '/missing')).status).toBe(410);
    expect((await get(server.host, server.port, '/nowhere')).status).toBe(404);
    expect(server.stats.hits['/list.txt']).toBe(1);
  });

  it('delays and redirects when asked', async () => {
    const started = Date.now();
    expect((await get(server.host, server.port, '/slow')).body).toBe(LIST);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const moved = await get(server.host, server.port, '/moved');
    expect(moved.status).toBe(302);
    expect(moved.headers.location).toBe('/list.txt');
  });

  it('hangs mid-body: half the declared body arrives, then nothing', async () => {
    const result = await readBody('/hang', 400);
    expect(result.complete).toBe(false);
    expect(result.bytes).toBe(LIST.length * 50);
  });

  it('streams a huge generated body of exactly the asked size', async () => {
    const result = await readBody('/huge', 10_000);
    expect(result).toMatchObject({ complete: true, bytes: 3 * 1024 * 1024 });
    expect(result.first).toMatch(/^127\.0\.0\.1:1024\n127\.0\.0\.2:1025\n/);
  });

  it('lets a test change a route while running', async () => {
    server.setRoute('/list.txt', { body: 'changed' });
    expect((await get(server.host, server.port, '/list.txt')).body).toBe('changed');
  });
});
