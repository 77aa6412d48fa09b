import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';
import { insertProxies } from './seed.js';

let api: TestApi;

beforeAll(() => {
  api = startTestApi();
});

afterAll(async () => {
  await api.close();
});

const acquire = (user: TestUser, country: string, key?: string) =>
  api.request
    .post('/proxies/acquire')
    .set(user.auth)
    .set(key === undefined ? {} : { 'Idempotency-Key': key })
    .send({ country });

async function charges(user: TestUser): Promise<number> {
  return api.ctx.db.creditTransaction.count({ where: { userId: user.userId, txType: 'acquire' } });
}

describe('POST /proxies/acquire with an Idempotency-Key', () => {
  it('returns the same lease and body on a retry, charging once', async () => {
    const user = await createTestUser(api.ctx, { credits: 5 });
    await insertProxies(api.ctx, [{ country: 'XI' }, { country: 'XI' }, { country: 'XI' }]);
    const key = `retry-${randomUUID()}`;
    const first = await acquire(user, 'XI', key);
    expect(first.status).toBe(200);
    const again = await acquire(user, 'XI', key);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await charges(user)).toBe(1);

    const other = await acquire(user, 'XI', `other-${randomUUID()}`);
    expect(other.body.lease_id).not.toBe(first.body.lease_id);
    expect(other.body.credits_remaining).toBe(3);
    // Still the first answer, word for word (credits_remaining as it was then).
    expect((await acquire(user, 'XI', key)).body).toEqual(first.body);
    // Keys are per user: another user's identical key is a new acquire.
    const stranger = await createTestUser(api.ctx, { credits: 1 });
    const theirs = await acquire(stranger, 'XI', key);
    expect(theirs.status).toBe(200);
    expect(theirs.body.lease_id).not.toBe(first.body.lease_id);
  });

  it('charges once when the same key arrives ten times at once', async () => {
    const user = await createTestUser(api.ctx, { credits: 10 });
    await insertProxies(
      api.ctx,
      Array.from({ length: 12 }, () => ({ country: 'XJ' })),
    );
    const key = `burst-${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 10 }, () => acquire(user, 'XJ', key)));
    expect(answers.map((res) => res.status)).toEqual(Array(10).fill(200));
    for (const res of answers) expect(res.body).toEqual(answers[0]!.body);
    expect(await charges(user)).toBe(1);
    expect(await api.ctx.db.lease.count({ where: { userId: user.userId } })).toBe(1);
    const row = await api.ctx.db.user.findUniqueOrThrow({ where: { id: user.userId } });
    expect(row.creditBalance).toBe(9);
  });

  it('still replays the lease when the stored answer is gone (balance as it is now)', async () => {
    const user = await createTestUser(api.ctx, { credits: 4 });
    await insertProxies(api.ctx, [{ country: 'XK' }, { country: 'XK' }]);
    const key = `lost-${randomUUID()}`;
    const first = await acquire(user, 'XK', key);
    await api.ctx.redis.del(`${api.ctx.config.QUEUE_PREFIX}:lease-answer:${first.body.lease_id}`);
    await acquire(user, 'XK');
    const replay = await acquire(user, 'XK', key);
    expect(replay.body).toEqual({ ...first.body, credits_remaining: 2 });
    expect(await charges(user)).toBe(2);
  });

  it('treats a key older than 24 hours as new', async () => {
    const user = await createTestUser(api.ctx, { credits: 2 });
    const [proxy] = await insertProxies(api.ctx, [{ country: 'XL' }]);
    const key = `old-${randomUUID()}`;
    await api.ctx.db.$executeRaw`
      INSERT INTO leases (id, proxy_id, user_id, idempotency_key, created_at, expires_at, released_at)
      VALUES (gen_random_uuid(), ${proxy!.id}::uuid, ${user.userId}::uuid, ${key}, now() - interval '25 hours',
        now() - interval '25 hours' + interval '5 minutes', now() - interval '25 hours' + interval '1 minute')`;
    const res = await acquire(user, 'XL', key);
    expect(res.status).toBe(200);
    expect(res.body.credits_remaining).toBe(1);
    const leases = await api.ctx.db.lease.findMany({ where: { userId: user.userId }, orderBy: { createdAt: 'asc' } });
    expect(leases.map((lease) => lease.idempotencyKey)).toEqual([null, key]);
    expect(leases[1]!.id).toBe(res.body.lease_id);
  });
});

describe('POST /proxies/acquire duplicates on the last credit', () => {
  it('answers every one of 20 concurrent duplicates with the one lease (never 402), charging once', async () => {
    const user = await createTestUser(api.ctx, { credits: 1 });
    await insertProxies(
      api.ctx,
      Array.from({ length: 3 }, () => ({ country: 'XM' })),
    );
    const key = `last-credit-${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => acquire(user, 'XM', key)));
    expect(answers.map((res) => res.status)).toEqual(Array(20).fill(200));
    for (const res of answers) expect(res.body).toEqual(answers[0]!.body);
    expect(answers[0]!.body.credits_remaining).toBe(0);
    expect(await charges(user)).toBe(1);
    expect(await api.ctx.db.lease.count({ where: { userId: user.userId } })).toBe(1);
    expect((await api.ctx.db.user.findUniqueOrThrow({ where: { id: user.userId } })).creditBalance).toBe(0);
  });
});
