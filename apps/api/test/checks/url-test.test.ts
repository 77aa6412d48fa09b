import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { blackHole, forwardProxy, httpServer, socks5Server, type ServerHandle } from '@proxy-pool/test-kit';
import { createTestUser, startTestApi, type TestApi } from '../support/harness.js';
import { startChecksWorld, type ChecksWorld } from './support.js';

let world: ChecksWorld;
let target: ServerHandle;
let hole: ServerHandle;
const servers: ServerHandle[] = [];
const ids: Record<string, string> = {};

beforeAll(async () => {
  world = await startChecksWorld();
  target = await httpServer((req, res) => {
    req.resume();
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'Content-Type': 'text/plain' }).end('hello');
  });
  hole = await blackHole();
  const elite = await forwardProxy({ kind: 'elite', exitAddress: '127.0.0.9' });
  const connect = await forwardProxy({ kind: 'elite', exitAddress: '127.0.0.10' });
  const socks = await socks5Server({ exitAddress: '127.0.0.11', auth: { username: 'u', password: 'p' } });
  const vanishing = await forwardProxy({ kind: 'elite', exitAddress: '127.0.0.12' });
  servers.push(target, hole, elite, connect, socks);
  const { db } = world.api.ctx;
  const add = async (name: string, port: number, protocol: 'http' | 'https' | 'socks5', extra: object = {}) => {
    ids[name] = (await db.proxy.create({ data: { ip: '127.0.0.1', port, protocol, ...extra } })).id;
  };
  await add('elite', elite.port, 'http');
  await add('connect', connect.port, 'https');
  await add('socks', socks.port, 'socks5', { username: 'u', password: 'p' });
  await add('vanishing', vanishing.port, 'http');
  await world.validate(Object.values(ids));
  await vanishing.close();
});

afterAll(async () => {
  await world?.close();
  await Promise.all(servers.map((server) => server.close()));
});

const test = (body: object) => world.api.request.post('/proxies/test').set(world.user.auth).send(body);

describe('POST /proxies/test', () => {
  it('requests the URL through the best active proxies, each in its own protocol', async () => {
    expect(await world.api.ctx.db.proxy.count({ where: { status: 'active' } })).toBe(4);
    const res = await test({ url: `${target.url}/page`, count: 10, timeout_seconds: 5 });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['results', 'success_rate', 'url']);
    expect(res.body.url).toBe(`${target.url}/page`);
    expect(res.body.results).toHaveLength(4);
    const byId = new Map((res.body.results as Array<{ proxy_id: string }>).map((result) => [result.proxy_id, result]));
    for (const name of ['elite', 'connect', 'socks']) {
      expect(byId.get(ids[name]!)).toEqual({
        proxy_id: ids[name],
        ip: '127.0.0.1',
        port: expect.any(Number),
        reachable: true,
        status_code: 200,
        latency_ms: expect.any(Number),
        error: null,
      });
    }
    expect(byId.get(ids.vanishing!)).toEqual({
      proxy_id: ids.vanishing,
      ip: '127.0.0.1',
      port: expect.any(Number),
      reachable: false,
      status_code: null,
      latency_ms: null,
      error: 'Connection refused by proxy',
    });
    expect(res.body.success_rate).toBe(0.75);
  });

  it('counts an answer of the target as reached whatever its status, and filters by protocol and count', async () => {
    const res = await test({ url: `${target.url}/missing`, protocol: 'socks5' });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      expect.objectContaining({ proxy_id: ids.socks, reachable: true, status_code: 404 }),
    ]);
    expect(res.body.success_rate).toBe(1);
    const two = await test({ url: target.url, count: 2 });
    expect(two.body.results).toHaveLength(2);
  });

  it('reports a target that never answers as unreachable within the timeout', async () => {
    const started = Date.now();
    const res = await test({ url: `http://127.0.0.1:${hole.port}/`, count: 1, timeout_seconds: 1, protocol: 'http' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.body.results).toEqual([
      expect.objectContaining({
        reachable: false,
        status_code: null,
        latency_ms: null,
        error: 'No answer within 1000 ms',
      }),
    ]);
    expect(res.body.success_rate).toBe(0);
  });

  it('answers 200 with no results and a success rate of 0 when no active proxy matches', async () => {
    const res = await test({ url: target.url, country: 'us' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ url: target.url, results: [], success_rate: 0 });
  });

  it('refuses bad input with 422 naming the field, and needs a key', async () => {
    const cases: Array<[object, string]> = [
      [{}, 'url'],
      [{ url: 'ftp://example.com/file' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: target.url, count: 0 }, 'count'],
      [{ url: target.url, count: 51 }, 'count'],
      [{ url: target.url, count: 2.5 }, 'count'],
      [{ url: target.url, timeout_seconds: 0.5 }, 'timeout_seconds'],
      [{ url: target.url, timeout_seconds: 61 }, 'timeout_seconds'],
      [{ url: target.url, protocol: 'smtp' }, 'protocol'],
      [{ url: target.url, country: 'USA' }, 'country'],
      [{ url: target.url, extra: true }, '(body)'],
    ];
    for (const [body, field] of cases) {
      const res = await test(body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({
        body,
        status: 422,
        code: 'VALIDATION_ERROR',
      });
      expect(res.body.error.details.fields.map((problem: { field: string }) => problem.field)).toContain(field);
    }
    expect((await world.api.request.post('/proxies/test').send({ url: target.url })).status).toBe(401);
  });
});

describe('POST /proxies/test with private targets refused (production setting)', () => {
  let strict: TestApi;
  beforeAll(() => {
    strict = startTestApi({ ALLOW_PRIVATE_TARGETS: 'false' });
  });
  afterAll(async () => {
    await strict.close();
  });

  it('refuses loopback and private URLs with 422 UNSAFE_URL before queueing anything', async () => {
    const user = await createTestUser(strict.ctx);
    for (const url of [
      'http://127.0.0.1:8080/',
      'http://localhost/',
      'http://10.1.2.3/',
      'http://[::1]/',
      'http://169.254.169.254/latest/meta-data',
    ]) {
      const res = await strict.request.post('/proxies/test').set(user.auth).send({ url });
      expect({ url, status: res.status, code: res.body.error?.code }).toEqual({ url, status: 422, code: 'UNSAFE_URL' });
    }
    expect(await strict.ctx.queues.urlTest.count()).toBe(0);
  });
});
