import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@proxy-pool/test-kit';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';
import { insertProxies, minutesAgo } from './seed.js';

// Each test leases from its own user-assigned country code, so tests (and other files) never share proxies.
let api: TestApi;

beforeAll(() => {
  api = startTestApi();
});

afterAll(async () => {
  await api.close();
});

const acquire = (user: TestUser, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  api.request.post('/proxies/acquire').set(user.auth).set(headers).send(body);

async function balance(user: TestUser): Promise<number> {
  const row = await api.ctx.db.user.findUniqueOrThrow({ where: { id: user.userId } });
  return row.creditBalance;
}

async function leasesOf(user: TestUser) {
  return api.ctx.db.lease.findMany({ where: { userId: user.userId }, orderBy: { createdAt: 'asc' } });
}

describe('POST /proxies/acquire', () => {
  it('leases the best free matching proxy, charges one credit and records it', async () => {
    const user = await createTestUser(api.ctx, { credits: 3 });
    const [best, , , credentialed] = await insertProxies(api.ctx, [
      { country: 'QM', score: 0.9, protocol: 'http', anonymity: 'elite' },
      { country: 'QM', score: 0.8 },
      { country: 'QM', score: 0.99, status: 'dead' },
      { country: 'QM', score: 0.7, username: 'upstream', password: 's3cret' },
    ]);
    const before = Date.now();
    const res = await acquire(user, { country: 'qm' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      lease_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      proxy: { ip: best!.ip, port: best!.port, protocol: 'http', country: 'QM', anonymity: 'elite' },
      expires_at: expect.stringMatching(/Z$/),
      credits_remaining: 2,
    });
    const expiresIn = Date.parse(res.body.expires_at) - before;
    expect(expiresIn).toBeGreaterThan(295_000);
    expect(expiresIn).toBeLessThan(305_000);

    const [lease] = await leasesOf(user);
    expect(lease).toMatchObject({
      id: res.body.lease_id,
      proxyId: best!.id,
      apiKeyId: user.apiKeyId,
      releasedAt: null,
      expiredAt: null,
    });
    const txs = await api.ctx.db.creditTransaction.findMany({ where: { userId: user.userId } });
    expect(txs).toEqual([
      expect.objectContaining({
        amount: -1,
        txType: 'acquire',
        description: `Proxy acquired: ${best!.ip}:${best!.port}`,
        leaseId: lease!.id,
      }),
    ]);
    const proxy = await api.ctx.db.proxy.findUniqueOrThrow({ where: { id: best!.id } });
    expect(proxy.lastLeasedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await balance(user)).toBe(2);

    // The next best free one; credentials only when the proxy has upstream credentials.
    const second = await acquire(user, { country: 'QM', min_score: 0.75, lease_duration_seconds: 60 });
    expect(second.body.proxy).not.toHaveProperty('username');
    expect(Date.parse(second.body.expires_at) - Date.now()).toBeLessThan(61_000);
    const third = await acquire(user, { country: 'QM' });
    expect(third.body.proxy).toEqual({
      ip: credentialed!.ip,
      port: credentialed!.port,
      protocol: 'http',
      country: 'QM',
      anonymity: 'elite',
      username: 'upstream',
      password: 's3cret',
    });
    expect(third.body.credits_remaining).toBe(0);
  });

  it('prefers the least recently leased proxy among equal scores', async () => {
    const user = await createTestUser(api.ctx, { credits: 2 });
    const [recent, never] = await insertProxies(api.ctx, [
      { country: 'QN', score: 0.6, lastLeasedAt: minutesAgo(5) },
      { country: 'QN', score: 0.6, lastLeasedAt: null },
    ]);
    expect((await acquire(user, { country: 'QN' })).body.proxy.port).toBe(never!.port);
    expect((await acquire(user, { country: 'QN' })).body.proxy.port).toBe(recent!.port);
  });

  it('answers 402 with the exact message when the balance is 0, before looking at proxies', async () => {
    const user = await createTestUser(api.ctx, { credits: 0 });
    await insertProxies(api.ctx, [{ country: 'QO' }]);
    for (const body of [{ country: 'QO' }, { country: 'ZZ' }]) {
      const res = await acquire(user, body);
      expect(res.status).toBe(402);
      expect(res.body).toEqual({
        error: {
          code: 'INSUFFICIENT_CREDITS',
          message: 'You need at least 1 credit to acquire a proxy. Current balance: 0.',
          details: {},
        },
      });
    }
    expect(await leasesOf(user)).toEqual([]);
  });

  it('answers 404 when no active proxy matches and 409 when all matching ones are leased, charging nothing', async () => {
    const user = await createTestUser(api.ctx, { credits: 5 });
    await insertProxies(api.ctx, [
      { country: 'QP', protocol: 'socks5' },
      { country: 'QP', protocol: 'http', status: 'dead' },
    ]);
    const none = await acquire(user, { country: 'QP', protocol: 'http' });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('NO_MATCHING_PROXY');
    expect((await acquire(user, { country: 'QP', min_score: 0.9 })).body.error.code).toBe('NO_MATCHING_PROXY');

    expect((await acquire(user, { country: 'QP' })).status).toBe(200);
    const busy = await acquire(user, { country: 'QP', protocol: 'socks5' });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('ALL_PROXIES_LEASED');
    expect(await balance(user)).toBe(4);
  });

  it('leases a proxy whose lease is past due at once, marking that lease expired and telling its holder', async () => {
    const [holder, user] = await Promise.all([createTestUser(api.ctx), createTestUser(api.ctx, { credits: 1 })]);
    const [proxy] = await insertProxies(api.ctx, [{ country: 'QQ' }]);
    // As an acquire ten minutes ago left it, and before the sweeper ran.
    const [old] = await api.ctx.db.$queryRaw<Array<{ id: string }>>`
      WITH lease AS (
        INSERT INTO leases (id, proxy_id, user_id, created_at, expires_at)
        VALUES (gen_random_uuid(), ${proxy!.id}::uuid, ${holder.userId}::uuid, now() - interval '10 minutes', now() - interval '5 minutes')
        RETURNING id, expires_at),
      stamped AS (UPDATE proxies SET leased_until = (SELECT expires_at FROM lease) WHERE id = ${proxy!.id}::uuid RETURNING id)
      SELECT id FROM lease WHERE (SELECT count(*) FROM stamped) = 1`;
    const res = await acquire(user, { country: 'QQ' });
    expect(res.status).toBe(200);
    expect(res.body.proxy.port).toBe(proxy!.port);
    const expired = await api.ctx.db.lease.findUniqueOrThrow({ where: { id: old!.id } });
    expect(expired.expiredAt).not.toBeNull();
    const event = await eventually(
      async () => {
        const jobs = await api.ctx.queues.events.getJobs(['waiting', 'prioritized', 'delayed']);
        return jobs
          .map((job) => job.data)
          .find((data) => data.type === 'lease.expired' && data.user_id === holder.userId);
      },
      5_000,
      'lease.expired for the previous holder',
    );
    expect(event.data).toMatchObject({ lease_id: old!.id, proxy_id: proxy!.id, ip: proxy!.ip, port: proxy!.port });
    // The new holder's lease now guards the proxy.
    const again = await acquire(await createTestUser(api.ctx, { credits: 1 }), { country: 'QQ' });
    expect(again.status).toBe(409);
  });

  it('refuses bad input with 422, naming the field, and changes nothing', async () => {
    const user = await createTestUser(api.ctx, { credits: 5 });
    await insertProxies(api.ctx, [{ country: 'QR' }]);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ country: 'QR', lease_duration_seconds: 0 }, 'lease_duration_seconds'],
      [{ country: 'QR', lease_duration_seconds: 3601 }, 'lease_duration_seconds'],
      [{ country: 'QR', lease_duration_seconds: 1.5 }, 'lease_duration_seconds'],
      [{ country: 'QR', lease_duration_seconds: '300' }, 'lease_duration_seconds'],
      [{ country: 'QR', min_score: 1.2 }, 'min_score'],
      [{ country: 'QR', protocol: 'ftp' }, 'protocol'],
      [{ country: 'QRS' }, 'country'],
      [{ country: 'QR', anonymity: 'ghost' }, 'anonymity'],
      [{ country: 'QR', protcol: 'http' }, '(body)'],
    ];
    for (const [body, field] of cases) {
      const res = await acquire(user, body);
      expect(res.status).toBe(422);
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([field]);
    }
    const longKey = await acquire(user, { country: 'QR' }, { 'Idempotency-Key': 'k'.repeat(201) });
    expect(longKey.status).toBe(422);
    expect(longKey.body.error.details.fields[0].field).toBe('Idempotency-Key');
    expect(await balance(user)).toBe(5);
    expect(await leasesOf(user)).toEqual([]);
  });
});
