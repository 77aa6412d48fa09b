import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  forwardProxy,
  httpServer,
  peerAddress,
  privateDatabase,
  type ForwardProxy,
  type PrivateDatabase,
  type ServerHandle,
} from '@proxy-pool/test-kit';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';
import { insertProxies, type SeededProxy } from '../pool/seed.js';

// A target that turns away one exit address (403) and serves every other (200); "localhost" is a second site.
const BLOCKED_EXIT = '127.0.0.11';
let database: PrivateDatabase;
let api: TestApi;
let user: TestUser;
let target: ServerHandle;
const fakes: ForwardProxy[] = [];
let proxies: SeededProxy[] = [];

beforeAll(async () => {
  database = await privateDatabase();
  api = startTestApi({ DATABASE_URL: database.url });
  user = await createTestUser(api.ctx, { credits: 50 });
  target = await httpServer((req, res) => {
    req.resume();
    const blocked = peerAddress(req.socket) === BLOCKED_EXIT;
    res.writeHead(blocked ? 403 : 200, { 'Content-Type': 'text/plain' }).end(blocked ? 'denied' : 'welcome');
  });
  for (const exitAddress of [BLOCKED_EXIT, '127.0.0.12', '127.0.0.13']) {
    fakes.push(await forwardProxy({ kind: 'elite', exitAddress }));
  }
  // The blocked exit has the best score: without feedback, every acquire would pick it first.
  proxies = await insertProxies(
    api.ctx,
    fakes.map((fake, index) => ({ ip: fake.host, port: fake.port, score: 0.9 - index * 0.1, exitIp: null })),
  );
});

afterAll(async () => {
  await api?.close();
  await Promise.all([target?.close(), ...fakes.map((fake) => fake.close())]);
  await database?.drop();
});

const site = () => `http://127.0.0.1:${target.port}/products`;

/** A plain absolute-URI GET through the leased proxy, as the lease holder's client would send it. */
function fetchThrough(proxy: { ip: string; port: number }, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: proxy.ip, port: proxy.port, method: 'GET', path: url, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function acquire(body: Record<string, unknown>): Promise<{ status: number; leaseId?: string; port?: number }> {
  const res = await api.request.post('/proxies/acquire').set(user.auth).send(body);
  return { status: res.status, leaseId: res.body.lease_id, port: res.body.proxy?.port };
}

const release = (leaseId: string) => api.request.post(`/proxies/acquire/${leaseId}/release`).set(user.auth).expect(200);

const portOf = (index: number) => proxies[index]!.port;

describe('target= after a blocked report', () => {
  it('the proxy the target refused is never handed out for that target again, but still for others', async () => {
    const first = await acquire({ target: site() });
    expect(first.status).toBe(200);
    expect(first.port).toBe(portOf(0));
    expect(await fetchThrough(proxies[0]!, site())).toBe(403);
    const report = await api.request
      .post(`/proxies/acquire/${first.leaseId}/report`)
      .set(user.auth)
      .send({ outcome: 'blocked', target: site(), status_code: 403 });
    expect(report.status).toBe(201);
    expect(report.body.target_host).toBe('127.0.0.1');
    await release(first.leaseId!);

    for (let round = 0; round < 4; round += 1) {
      const again = await acquire({ target: site() });
      expect(again.status).toBe(200);
      expect(again.port).not.toBe(portOf(0));
      expect(await fetchThrough(again.port === portOf(1) ? proxies[1]! : proxies[2]!, site())).toBe(200);
      await release(again.leaseId!);
    }
    // Another site still gets the best-scored proxy.
    const elsewhere = await acquire({ target: `http://localhost:${target.port}/` });
    expect(elsewhere).toMatchObject({ status: 200, port: portOf(0) });
    await release(elsewhere.leaseId!);
  });

  it('with every other proxy leased, an acquire for the target is 409 while the cooled-down one stays free', async () => {
    const held = [await acquire({ target: site() }), await acquire({ target: site() })];
    expect(held.map((lease) => lease.port)).toEqual([portOf(1), portOf(2)]);
    expect((await acquire({ target: site() })).status).toBe(409);
    const other = await acquire({ target: 'localhost' });
    expect(other).toMatchObject({ status: 200, port: portOf(0) });
    for (const lease of [...held, other]) await release(lease.leaseId!);
  });

  it('the best site rate comes first, then the score', async () => {
    // Without a target, acquires go by score: proxies 0, 1, 2. The lowest-scored one then works on the site.
    const held = [await acquire({}), await acquire({}), await acquire({})];
    expect(held.map((lease) => lease.port)).toEqual([portOf(0), portOf(1), portOf(2)]);
    await api.request
      .post(`/proxies/acquire/${held[2]!.leaseId}/report`)
      .set(user.auth)
      .send({ outcome: 'ok', target: site(), status_code: 200 })
      .expect(201);
    for (const lease of held) await release(lease.leaseId!);
    // Its site rate (1 + 1) / (1 + 0 + 2) beats proxy 1's 0.5 (never seen there), despite the lower score.
    const lease = await acquire({ target: site() });
    expect(lease.port).toBe(portOf(2));
    await release(lease.leaseId!);
  });

  it('GET /proxies?target= leaves the cooled-down proxy out and orders by site rate, page by page', async () => {
    const all = await api.request.get('/proxies').query({ target: site() }).set(user.auth);
    expect(all.status).toBe(200);
    expect(all.body.items.map((item: { port: number }) => item.port)).toEqual([portOf(2), portOf(1)]);
    // Rates are PostgreSQL reals, shown in their shortest exact form (like scores): 2/3 and 1/2.
    expect(all.body.items.map((item: { site_rate: number }) => item.site_rate)).toEqual([0.6666667, 0.5]);
    expect(all.body.total_count).toBe(2);
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.request
        .get('/proxies')
        .query({ target: site(), limit: 1, ...(cursor ? { cursor } : {}) })
        .set(user.auth);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item: { port: number }) => item.port));
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor !== undefined && seen.length < 5);
    expect(seen).toEqual([portOf(2), portOf(1)]);
    const other = await api.request.get('/proxies').query({ target: 'localhost' }).set(user.auth);
    expect(other.body.items.map((item: { port: number }) => item.port)).toEqual([portOf(0), portOf(1), portOf(2)]);
    // Another sort keeps its own order and only leaves the cooled-down proxy out.
    const byLatency = await api.request.get('/proxies').query({ target: site(), sort: 'latency' }).set(user.auth);
    expect(byLatency.body.items.map((item: { port: number }) => item.port).sort()).toEqual(
      [portOf(1), portOf(2)].sort(),
    );
    expect(byLatency.body.items[0].site_rate).toBeUndefined();
  });

  it('refuses a cursor of another target, order=asc with the site ranking, and a target naming no host', async () => {
    const page = await api.request.get('/proxies').query({ target: site(), limit: 1 }).set(user.auth);
    const wrong = await api.request
      .get('/proxies')
      .query({ target: 'localhost', limit: 1, cursor: page.body.next_cursor })
      .set(user.auth);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('INVALID_CURSOR');
    const asc = await api.request.get('/proxies').query({ target: site(), order: 'asc' }).set(user.auth);
    expect(asc.status).toBe(422);
    expect(asc.body.error.code).toBe('VALIDATION_ERROR');
    for (const query of [{ target: 'http://' }]) {
      const res = await api.request.get('/proxies').query(query).set(user.auth);
      expect(res.status).toBe(422);
    }
    const badAcquire = await api.request.post('/proxies/acquire').set(user.auth).send({ target: '' });
    expect(badAcquire.status).toBe(422);
  });

  it('GET /proxies/{id} shows the per-site figures', async () => {
    const res = await api.request.get(`/proxies/${proxies[0]!.id}`).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body.sites).toEqual([
      {
        target_host: '127.0.0.1',
        successes: 0,
        failures: 1,
        rate: 0.33333334,
        last_success_at: null,
        last_failure_at: expect.stringMatching(/Z$/),
      },
    ]);
  });

  it('once the cooldown is over, a proxy with a worse site rate than the unknown 0.5 comes after the unseen ones', async () => {
    await api.ctx.db.proxySiteStat.updateMany({
      where: { proxyId: proxies[0]!.id },
      data: { lastFailureAt: new Date(Date.now() - 31 * 60_000) },
    });
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.request
        .get('/proxies')
        .query({ target: site(), limit: 1, ...(cursor ? { cursor } : {}) })
        .set(user.auth);
      seen.push(...page.body.items.map((item: { port: number }) => item.port));
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor !== undefined && seen.length < 5);
    // 2/3 (seen, worked), 0.5 (never seen), 1/3 (seen, refused once).
    expect(seen).toEqual([portOf(2), portOf(1), portOf(0)]);
    expect((await acquire({ target: site() })).port).toBe(portOf(2));
  });
});
