import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { privateDatabase, type PrivateDatabase } from '@proxy-pool/test-kit';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';
import { insertProxies, minutesAgo } from '../pool/seed.js';

let database: PrivateDatabase;
let api: TestApi;
let limited: TestApi;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  database = await privateDatabase();
  api = startTestApi({ DATABASE_URL: database.url });
  limited = startTestApi({ DATABASE_URL: database.url, RATE_LIMITS_ENABLED: 'true', LEASE_REPORTS_PER_MINUTE: '3' });
  alice = await createTestUser(api.ctx, { credits: 20 });
  bob = await createTestUser(api.ctx, { credits: 20 });
  await insertProxies(
    api.ctx,
    Array.from({ length: 8 }, () => ({ status: 'active' as const })),
  );
});

afterAll(async () => {
  await Promise.all([api?.close(), limited?.close()]);
  await database?.drop();
});

async function lease(user: TestUser): Promise<{ leaseId: string; proxyId: string }> {
  const res = await api.request.post('/proxies/acquire').set(user.auth).send({});
  expect(res.status).toBe(200);
  const row = await api.ctx.db.lease.findUniqueOrThrow({ where: { id: res.body.lease_id as string } });
  return { leaseId: row.id, proxyId: row.proxyId };
}

const report = (target: TestApi, user: TestUser, leaseId: string, body: unknown) =>
  target.request
    .post(`/proxies/acquire/${leaseId}/report`)
    .set(user.auth)
    .send(body as object);

describe('POST /proxies/acquire/{lease_id}/report', () => {
  it('stores a report under the target’s registrable domain and answers 201 with it', async () => {
    const { leaseId, proxyId } = await lease(alice);
    const res = await report(api, alice, leaseId, {
      outcome: 'ok',
      target: 'https://www.Shop.example.co.uk/cart?x=1',
      status_code: 200,
      detail: 'fine',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      lease_id: leaseId,
      proxy_id: proxyId,
      outcome: 'ok',
      target_host: 'example.co.uk',
      status_code: 200,
      detail: 'fine',
      refund_pending: false,
      created_at: expect.stringMatching(/Z$/),
    });
    const stats = await api.ctx.db.proxySiteStat.findMany({ where: { proxyId } });
    expect(stats).toEqual([expect.objectContaining({ targetHost: 'example.co.uk', successes: 1, failures: 0 })]);
  });

  it('failed: stamps the lease, makes the proxy due now, queues its re-check and says a refund is pending', async () => {
    const { leaseId, proxyId } = await lease(alice);
    await api.ctx.db.proxy.update({ where: { id: proxyId }, data: { nextCheckAt: new Date(Date.now() + 3_600_000) } });
    const res = await report(api, alice, leaseId, { outcome: 'failed', target: 'api.example.com', status_code: 502 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ outcome: 'failed', target_host: 'example.com', refund_pending: true });
    const leaseRow = await api.ctx.db.lease.findUniqueOrThrow({ where: { id: leaseId } });
    expect(leaseRow.failedReportedAt).not.toBeNull();
    const proxy = await api.ctx.db.proxy.findUniqueOrThrow({ where: { id: proxyId } });
    expect(proxy.nextCheckAt.getTime()).toBeLessThanOrEqual(Date.now());
    const jobs = await api.ctx.queues.validate.getJobs(['waiting', 'prioritized', 'delayed']);
    expect(jobs.map((job) => job.data.proxy_ids)).toContainEqual([proxyId]);
    const stats = await api.ctx.db.proxySiteStat.findUniqueOrThrow({
      where: { proxyId_targetHost: { proxyId, targetHost: 'example.com' } },
    });
    expect(stats).toMatchObject({ successes: 0, failures: 1 });
  });

  it('blocked counts a failure on the site and queues a re-check; slow is stored only', async () => {
    const { leaseId, proxyId } = await lease(alice);
    expect((await report(api, alice, leaseId, { outcome: 'slow', target: 'slow.test' })).status).toBe(201);
    expect(await api.ctx.db.proxySiteStat.count({ where: { proxyId } })).toBe(0);
    const blocked = await report(api, alice, leaseId, { outcome: 'blocked', target: 'slow.test', status_code: 403 });
    expect(blocked.status).toBe(201);
    expect(blocked.body.refund_pending).toBe(false);
    expect(await api.ctx.db.proxySiteStat.findMany({ where: { proxyId } })).toEqual([
      expect.objectContaining({ targetHost: 'slow.test', successes: 0, failures: 1 }),
    ]);
    const leaseRow = await api.ctx.db.lease.findUniqueOrThrow({ where: { id: leaseId } });
    expect(leaseRow.failedReportedAt).toBeNull();
    expect(await api.ctx.db.leaseReport.count({ where: { leaseId } })).toBe(2);
  });

  it('refuses bad bodies with 422 VALIDATION_ERROR and stores nothing', async () => {
    const { leaseId } = await lease(alice);
    const cases: Array<[unknown, string]> = [
      [{}, 'outcome'],
      [{ outcome: 'great', target: 'example.com' }, 'outcome'],
      [{ outcome: 'ok' }, 'target'],
      [{ outcome: 'ok', target: '' }, 'target'],
      [{ outcome: 'ok', target: 'http://' }, 'target'],
      [{ outcome: 'ok', target: 42 }, 'target'],
      [{ outcome: 'ok', target: 'example.com', status_code: 99 }, 'status_code'],
      [{ outcome: 'ok', target: 'example.com', status_code: 600 }, 'status_code'],
      [{ outcome: 'ok', target: 'example.com', status_code: 200.5 }, 'status_code'],
      [{ outcome: 'ok', target: 'example.com', detail: 'x'.repeat(501) }, 'detail'],
      [{ outcome: 'ok', target: 'example.com', refund: true }, '(body)'],
    ];
    for (const [body, field] of cases) {
      const res = await report(api, alice, leaseId, body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect((res.body.error.details.fields as Array<{ field: string }>).map((f) => f.field)).toContain(field);
    }
    expect(await api.ctx.db.leaseReport.count({ where: { leaseId } })).toBe(0);
  });

  it('answers 404 for another user’s lease and for unknown or malformed ids, storing nothing', async () => {
    const { leaseId } = await lease(alice);
    for (const [user, id] of [
      [bob, leaseId],
      [alice, randomUUID()],
      [alice, 'not-a-uuid'],
    ] as const) {
      const res = await report(api, user, id, { outcome: 'failed', target: 'example.com' });
      expect(res.status).toBe(404);
      expect(res.body.error).toEqual({ code: 'NOT_FOUND', message: expect.any(String), details: expect.any(Object) });
    }
    expect(await api.ctx.db.leaseReport.count({ where: { leaseId } })).toBe(0);
    const leaseRow = await api.ctx.db.lease.findUniqueOrThrow({ where: { id: leaseId } });
    expect(leaseRow.failedReportedAt).toBeNull();
  });

  it('accepts reports until REFUND_WINDOW_MINUTES after the lease ended, then answers 409', async () => {
    const { leaseId } = await lease(alice);
    await api.request.post(`/proxies/acquire/${leaseId}/release`).set(alice.auth).expect(200);
    expect((await report(api, alice, leaseId, { outcome: 'ok', target: 'example.com' })).status).toBe(201);
    await api.ctx.db.lease.update({ where: { id: leaseId }, data: { releasedAt: minutesAgo(11) } });
    const late = await report(api, alice, leaseId, { outcome: 'failed', target: 'example.com' });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'LEASE_REPORT_CLOSED', details: { window_minutes: 10 } });
    expect(await api.ctx.db.leaseReport.count({ where: { leaseId } })).toBe(1);
  });

  it('limits reports per lease (429 in the envelope with Retry-After), other leases unaffected', async () => {
    const first = await lease(alice);
    const second = await lease(alice);
    for (let n = 0; n < 3; n += 1) {
      expect((await report(limited, alice, first.leaseId, { outcome: 'ok', target: 'example.com' })).status).toBe(201);
    }
    const refused = await report(limited, alice, first.leaseId, { outcome: 'ok', target: 'example.com' });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 3 } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await api.ctx.db.leaseReport.count({ where: { leaseId: first.leaseId } })).toBe(3);
    expect((await report(limited, alice, second.leaseId, { outcome: 'ok', target: 'example.com' })).status).toBe(201);
  });
});
