import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expireDueLeases } from '@proxy-pool/db';
import { privateDatabase, type PrivateDatabase } from '@proxy-pool/test-kit';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';
import { insertProxies } from './seed.js';

// The sweeper below expires every past-due lease of its database: a database of its own keeps it off other
// tests' leases (an acquire test counts on its own past-due lease still being there).
let database: PrivateDatabase;
let api: TestApi;

beforeAll(async () => {
  database = await privateDatabase();
  api = startTestApi({ DATABASE_URL: database.url });
});

afterAll(async () => {
  await api.close();
  await database.drop();
});

const acquire = (user: TestUser, country: string) =>
  api.request.post('/proxies/acquire').set(user.auth).send({ country });
const release = (user: TestUser, leaseId: string) =>
  api.request.post(`/proxies/acquire/${leaseId}/release`).set(user.auth);

describe('POST /proxies/acquire/{lease_id}/release', () => {
  it('ends the lease now, idempotently, frees the proxy at once and refunds nothing', async () => {
    const user = await createTestUser(api.ctx, { credits: 3 });
    const [proxy] = await insertProxies(api.ctx, [{ country: 'XR' }]);
    const lease = (await acquire(user, 'XR')).body;
    expect((await acquire(user, 'XR')).status).toBe(409);

    const res = await release(user, lease.lease_id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      lease_id: lease.lease_id,
      released_at: expect.stringMatching(/Z$/),
      expires_at: lease.expires_at,
    });
    expect(Math.abs(Date.parse(res.body.released_at) - Date.now())).toBeLessThan(10_000);
    const again = await release(user, lease.lease_id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);

    const next = await acquire(user, 'XR');
    expect(next.status).toBe(200);
    expect(next.body.proxy.port).toBe(proxy!.port);
    expect(next.body.credits_remaining).toBe(1);
  });

  it('answers 404 to anyone but the owner, and for unknown or malformed ids', async () => {
    const [owner, stranger] = await Promise.all([
      createTestUser(api.ctx, { credits: 1 }),
      createTestUser(api.ctx, { credits: 1 }),
    ]);
    await insertProxies(api.ctx, [{ country: 'XT' }]);
    const lease = (await acquire(owner, 'XT')).body;
    for (const [user, id] of [
      [stranger, lease.lease_id],
      [owner, randomUUID()],
      [owner, 'not-a-uuid'],
    ] as const) {
      const res = await release(user, id);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    const row = await api.ctx.db.lease.findUniqueOrThrow({ where: { id: lease.lease_id } });
    expect(row.releasedAt).toBeNull();
    expect((await acquire(stranger, 'XT')).status).toBe(409);
  });

  it('leaves a lease that already ran out unreleased', async () => {
    const user = await createTestUser(api.ctx);
    const [proxy] = await insertProxies(api.ctx, [{ country: 'XU' }]);
    const [lease] = await api.ctx.db.$queryRaw<Array<{ id: string; expires_at: Date }>>`
      INSERT INTO leases (id, proxy_id, user_id, created_at, expires_at)
      VALUES (gen_random_uuid(), ${proxy!.id}::uuid, ${user.userId}::uuid, now() - interval '10 minutes', now() - interval '1 minute')
      RETURNING id, expires_at`;
    const res = await release(user, lease!.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ lease_id: lease!.id, released_at: null, expires_at: lease!.expires_at.toISOString() });
  });
});

describe('expireDueLeases (the sweeper)', () => {
  it('marks past-due live leases expired once, returning them with their users', async () => {
    const user = await createTestUser(api.ctx);
    const proxies = await insertProxies(
      api.ctx,
      Array.from({ length: 4 }, () => ({ country: 'XS' })),
    );
    const insert = (proxyId: string, expiresIn: string, released: boolean) => api.ctx.db.$queryRaw<
      Array<{ id: string }>
    >`
      INSERT INTO leases (id, proxy_id, user_id, created_at, expires_at, released_at)
      VALUES (gen_random_uuid(), ${proxyId}::uuid, ${user.userId}::uuid, now() - interval '1 hour',
        now() + ${expiresIn}::interval, ${released ? new Date() : null}::timestamptz)
      RETURNING id`;
    const [due1] = await insert(proxies[0]!.id, '-5 minutes', false);
    const [due2] = await insert(proxies[1]!.id, '-1 second', false);
    const [live] = await insert(proxies[2]!.id, '5 minutes', false);
    const [released] = await insert(proxies[3]!.id, '-5 minutes', true);

    // Two sweepers at once (as two replicas would) never return the same lease twice.
    const [a, b] = await Promise.all([expireDueLeases(api.ctx.db), expireDueLeases(api.ctx.db)]);
    const mine = [...a, ...b].filter((row) => row.userId === user.userId);
    expect(mine.map((row) => row.leaseId).sort()).toEqual([due1!.id, due2!.id].sort());
    expect(mine[0]).toEqual({
      leaseId: expect.any(String),
      userId: user.userId,
      proxyId: expect.any(String),
      ip: expect.any(String),
      port: expect.any(Number),
      expiresAt: expect.any(Date),
      expiredAt: expect.any(Date),
    });
    const again = await expireDueLeases(api.ctx.db);
    expect(again.filter((row) => row.userId === user.userId)).toEqual([]);
    const rows = await api.ctx.db.lease.findMany({ where: { id: { in: [live!.id, released!.id] } } });
    expect(rows.map((row) => row.expiredAt)).toEqual([null, null]);
  });
});
