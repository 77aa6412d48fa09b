import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@proxy-pool/logger';
import { createMaintenanceRegistry, maintenanceSettingsShape } from '@proxy-pool/maintenance';
import { createQueue, createQueueEvents, createRedis, type RedisConnection, type TypedQueue } from '@proxy-pool/queues';
import {
  cannedPage,
  forwardProxy,
  httpServer,
  socks4Server,
  socks5Server,
  type ServerHandle,
} from '@proxy-pool/test-kit';
import { z } from 'zod';
import { createTestUser, type TestUser } from '../support/harness.js';
import { startChecksWorld, type ChecksWorld } from '../checks/support.js';

const SHOP_PAGE = '<html><body><h1>Welcome to the shop</h1><a href="/basket">Basket (3)</a></body></html>';

let world: ChecksWorld;
let admin: TestUser;
let buyer: TestUser;
let target: ServerHandle;
let workerRedis: RedisConnection;
let queues: { validate: TypedQueue<'validate'>; events: TypedQueue<'events'>; siteCheck: TypedQueue<'siteCheck'> };
let siteCheckEvents: ReturnType<typeof createQueueEvents>;
const servers: ServerHandle[] = [];
const honest: Record<string, string> = {};
let cannedId: string;

beforeAll(async () => {
  world = await startChecksWorld();
  const { ctx } = world.api;
  [admin, buyer] = await Promise.all([createTestUser(ctx, { role: 'admin' }), createTestUser(ctx, { credits: 5 })]);
  target = await httpServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(SHOP_PAGE);
  });
  const fleet = {
    http: await forwardProxy({ kind: 'elite', exitAddress: '127.0.0.21' }),
    https: await forwardProxy({ kind: 'elite', exitAddress: '127.0.0.22' }),
    socks4: await socks4Server({ exitAddress: '127.0.0.23' }),
    socks5: await socks5Server({ exitAddress: '127.0.0.24', auth: { username: 'u', password: 'p' } }),
  };
  const canned = await cannedPage();
  servers.push(target, canned, ...Object.values(fleet));
  const active = { ip: '127.0.0.1', status: 'active' as const, lastCheckedAt: new Date(), score: 0.5 };
  for (const [protocol, server] of Object.entries(fleet)) {
    const credentials = protocol === 'socks5' ? { username: 'u', password: 'p' } : {};
    const row = await ctx.db.proxy.create({
      data: { ...active, port: server.port, protocol: protocol as 'http', ...credentials },
    });
    honest[protocol] = row.id;
  }
  // A captive-portal "proxy": every request gets its own 200 page, whatever the URL.
  cannedId = (await ctx.db.proxy.create({ data: { ...active, port: canned.port, protocol: 'http', score: 0.9 } })).id;
  workerRedis = createRedis(ctx.config.REDIS_URL, 'worker');
  const context = { connection: workerRedis, prefix: ctx.config.QUEUE_PREFIX };
  queues = {
    validate: createQueue('validate', context),
    events: createQueue('events', context),
    siteCheck: createQueue('siteCheck', context),
  };
  siteCheckEvents = createQueueEvents('siteCheck', context);
  await siteCheckEvents.waitUntilReady();
});

afterAll(async () => {
  await siteCheckEvents?.close();
  await Promise.all(Object.values(queues ?? {}).map((queue) => queue.close()));
  workerRedis?.disconnect();
  await world?.close();
  await Promise.all(servers.map((server) => server.close()));
});

/** One run of the `run-site-checks` maintenance task, then waits until the checker finished every job it queued. */
async function sweep(): Promise<number> {
  const { ctx } = world.api;
  const processors = createMaintenanceRegistry().processors({
    db: ctx.db,
    context: { connection: workerRedis, prefix: ctx.config.QUEUE_PREFIX },
    queues,
    settings: z.object(maintenanceSettingsShape).parse({}),
    logger: createLogger({ service: 'test', console: false }),
  });
  const { affected } = await processors['run-site-checks']();
  const jobs = await queues.siteCheck.getJobs(['waiting', 'active', 'delayed', 'prioritized']);
  await Promise.all(jobs.map((job) => job.waitUntilFinished(siteCheckEvents, 30_000)));
  return affected;
}

const createCheck = (body: Record<string, unknown>) =>
  world.api.request
    .post('/site-checks')
    .set(admin.auth)
    .send({ url: `${target.url}/shop`, ...body });
const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((item) => item.id).sort();
const honestIds = () => Object.values(honest).sort();

describe('a site check with body assertions', () => {
  let checkId: string;

  it('passes honest proxies of all four protocols and fails the one answering its own 200 page', async () => {
    const created = await createCheck({
      name: 'shop',
      body_substring: 'Welcome to the shop',
      body_regex: 'Basket \\(\\d+\\)',
      sample_size: 10,
    });
    expect(created.status).toBe(201);
    checkId = created.body.id;
    expect(await sweep()).toBe(5);
    const { db } = world.api.ctx;
    const results = await db.siteCheckResult.findMany({ where: { siteCheckId: checkId } });
    expect(results).toHaveLength(5);
    for (const result of results) {
      if (result.proxyId === cannedId) {
        expect(result).toMatchObject({ passed: false, statusCode: 200 });
        expect(result.detail).toBe('Status 200, but the body does not contain "Welcome to the shop"');
      } else {
        expect(result).toMatchObject({ passed: true, statusCode: 200, detail: 'Status 200 as expected, body matched' });
      }
    }
    const site = await db.$queryRaw<Array<{ proxy_id: string; successes: number; failures: number }>>`
      SELECT proxy_id, successes, failures FROM proxy_site_stats WHERE target_host = '127.0.0.1' ORDER BY proxy_id`;
    expect(site).toHaveLength(5);
    for (const row of site) expect([row.successes, row.failures]).toEqual(row.proxy_id === cannedId ? [0, 1] : [1, 0]);
  });

  it('GET /proxies?works_for= lists exactly the passing proxies (export and acquire too)', async () => {
    const { request } = world.api;
    const page = await request.get('/proxies?works_for=shop').set(buyer.auth);
    expect(page.status).toBe(200);
    expect(ids(page)).toEqual(honestIds());
    expect(page.body.total_count).toBe(4);
    const exported = await request.get('/proxies/export?works_for=shop&format=json').set(buyer.auth);
    expect(exported.status).toBe(200);
    expect(
      JSON.parse(exported.text)
        .map((item: { id: string }) => item.id)
        .sort(),
    ).toEqual(honestIds());
    // The canned "proxy" has the best score: without the filter it would be leased first.
    const lease = await request.post('/proxies/acquire').set(buyer.auth).send({ works_for: 'shop', protocol: 'http' });
    expect(lease.status).toBe(200);
    expect(lease.body.proxy.port).toBe(servers[2]!.port);
    const listed = await request.get(`/site-checks/${checkId}`).set(buyer.auth);
    expect(listed.body).toMatchObject({ proxies_checked: 5, proxies_passing: 4 });
    expect(listed.body.last_run_at).toEqual(expect.stringMatching(/Z$/));
  });

  it('answers 400 UNKNOWN_SITE_CHECK for a name no check has, and 422 for a malformed one', async () => {
    const { request } = world.api;
    const answers = [
      await request.get('/proxies?works_for=nope').set(buyer.auth),
      await request.get('/proxies/export?works_for=nope').set(buyer.auth),
      await request.post('/proxies/acquire').set(buyer.auth).send({ works_for: 'nope' }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: {
          code: 'UNKNOWN_SITE_CHECK',
          message: 'No site check is named "nope".',
          details: { field: 'works_for', name: 'nope' },
        },
      });
    }
    const malformed = await request.get('/proxies?works_for=Not%20A%20Name').set(buyer.auth);
    expect(malformed.status).toBe(422);
    expect((await world.api.ctx.db.user.findUnique({ where: { id: buyer.userId } }))?.creditBalance).toBe(4);
  });

  it('GET /proxies/{id} shows each proxy’s latest result per check', async () => {
    const canned = await world.api.request.get(`/proxies/${cannedId}`).set(buyer.auth);
    expect(canned.body.site_checks).toEqual([
      {
        name: 'shop',
        passed: false,
        status_code: 200,
        latency_ms: expect.any(Number),
        detail: 'Status 200, but the body does not contain "Welcome to the shop"',
        checked_at: expect.stringMatching(/Z$/),
      },
    ]);
    const socks = await world.api.request.get(`/proxies/${honest.socks5}`).set(buyer.auth);
    expect(socks.body.site_checks).toEqual([expect.objectContaining({ name: 'shop', passed: true, status_code: 200 })]);
  });

  it('does not run a check again before its interval, and lists nothing once the results leave the window', async () => {
    expect(await sweep()).toBe(0);
    await world.api.ctx.db.$executeRaw`UPDATE site_check_results SET checked_at = now() - interval '1201 seconds'
      WHERE site_check_id = ${checkId}::uuid`;
    const page = await world.api.request.get('/proxies?works_for=shop').set(buyer.auth);
    expect(page.body).toMatchObject({ items: [], total_count: 0 });
  });

  it('fails a proxy on a regular expression the body does not match, and on a status other than expected', async () => {
    await createCheck({ name: 'shop-regex', body_regex: 'Basket \\(0\\)', sample_size: 10 });
    await createCheck({ name: 'shop-gone', url: `${target.url}/gone`, expected_status: 404, sample_size: 10 });
    await world.api.ctx.db.siteCheck.update({ where: { name: 'shop' }, data: { isActive: false } });
    expect(await sweep()).toBe(10);
    const results = await world.api.ctx.db.siteCheckResult.findMany({
      where: { proxyId: honest.http, siteCheck: { name: { in: ['shop-regex', 'shop-gone'] } } },
      include: { siteCheck: true },
    });
    expect(
      Object.fromEntries(results.map((result) => [result.siteCheck.name, [result.passed, result.detail]])),
    ).toEqual({
      'shop-regex': [false, 'Status 200, but the body does not match body_regex'],
      'shop-gone': [false, 'Expected status 404, got 200'],
    });
    await world.api.ctx.db.siteCheck.updateMany({
      where: { name: { in: ['shop-regex', 'shop-gone'] } },
      data: { isActive: false },
    });
  });
});

describe('rotation', () => {
  it('with a sample smaller than the pool, consecutive runs try proxies not tried before', async () => {
    const created = await createCheck({ name: 'rotating', sample_size: 2, interval_seconds: 60 });
    const checkId = created.body.id as string;
    const tried: string[][] = [];
    for (let run = 0; run < 3; run += 1) {
      // Make the check due again at once instead of waiting its 60 s interval.
      await world.api.ctx.db.$executeRaw`UPDATE site_checks SET last_run_at = now() - interval '61 seconds'
        WHERE id = ${checkId}::uuid`;
      const before = new Date(Date.now() - 1);
      expect(await sweep()).toBe(2);
      const rows = await world.api.ctx.db.siteCheckResult.findMany({
        where: { siteCheckId: checkId, checkedAt: { gte: before } },
      });
      tried.push(rows.map((row) => row.proxyId).sort());
    }
    expect(tried.map((run) => run.length)).toEqual([2, 2, 2]);
    expect(new Set([...tried[0]!, ...tried[1]!]).size).toBe(4);
    // Five proxies: the third run takes the one never tried, then the one tried longest ago (from the first run).
    expect(tried[2]!.filter((id) => !tried[0]!.includes(id) && !tried[1]!.includes(id))).toHaveLength(1);
    expect(tried[2]!.filter((id) => tried[0]!.includes(id))).toHaveLength(1);
  });
});
