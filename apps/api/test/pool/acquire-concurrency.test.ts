import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';
import { insertProxies, recordGrant } from './seed.js';

const COUNTRY = 'XC';
const USERS = 20;
const CREDITS = 5;
const REQUESTS_PER_USER = 10;
const PROXIES = 50;

let api: TestApi;

beforeAll(() => {
  api = startTestApi();
});

afterAll(async () => {
  await api.close();
});

describe('200 concurrent acquires from 20 users against 50 proxies', () => {
  it('never shares a proxy, charges each lease exactly once, and answers the rest 402 or 409', async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < USERS; i += 1) {
      const user = await createTestUser(api.ctx, { credits: CREDITS });
      await recordGrant(api.ctx, user.userId, CREDITS);
      users.push(user);
    }
    const proxies = await insertProxies(
      api.ctx,
      Array.from({ length: PROXIES }, (_, i) => ({ country: COUNTRY, score: 0.5 + (i % 10) / 100 })),
    );
    const proxyIds = new Set(proxies.map((proxy) => proxy.id));

    const requests = users.flatMap((user) => Array.from({ length: REQUESTS_PER_USER }, () => user));
    const answers = await Promise.all(
      requests.map(async (user) => ({
        user,
        res: await api.request.post('/proxies/acquire').set(user.auth).send({ country: COUNTRY }),
      })),
    );

    const statuses = answers.map(({ res }) => res.status);
    expect(statuses.filter((status) => ![200, 402, 409].includes(status))).toEqual([]);
    const won = answers.filter(({ res }) => res.status === 200);
    // 100 credits chase 50 proxies: every proxy gets leased, once.
    expect(won).toHaveLength(PROXIES);

    const userIds = users.map((user) => user.userId);
    const leases = await api.ctx.db.lease.findMany({ where: { userId: { in: userIds } } });
    expect(leases).toHaveLength(PROXIES);
    expect(new Set(leases.map((lease) => lease.proxyId))).toEqual(proxyIds);
    expect(leases.map((lease) => lease.id).sort()).toEqual(won.map(({ res }) => res.body.lease_id as string).sort());

    const charges = await api.ctx.db.creditTransaction.findMany({
      where: { userId: { in: userIds }, txType: 'acquire' },
    });
    expect(charges.map((tx) => tx.leaseId).sort()).toEqual(leases.map((lease) => lease.id).sort());
    expect(charges.every((tx) => tx.amount === -1)).toBe(true);

    for (const user of users) {
      const mine = answers.filter((answer) => answer.user === user);
      const wins = mine.filter(({ res }) => res.status === 200).length;
      const row = await api.ctx.db.user.findUniqueOrThrow({ where: { id: user.userId } });
      const sum = await api.ctx.db.creditTransaction.aggregate({
        where: { userId: user.userId },
        _sum: { amount: true },
      });
      expect(row.creditBalance).toBe(CREDITS - wins);
      expect(row.creditBalance).toBe(sum._sum.amount);
      // 402 only once the user's credits are all spent; the remaining answers are 409.
      if (mine.some(({ res }) => res.status === 402)) expect(wins).toBe(CREDITS);
      for (const { res } of mine.filter(({ res }) => res.status === 402)) {
        expect(res.body.error.message).toBe('You need at least 1 credit to acquire a proxy. Current balance: 0.');
      }
      const remaining = mine
        .filter(({ res }) => res.status === 200)
        .map(({ res }) => res.body.credits_remaining as number);
      expect(remaining.sort()).toEqual(Array.from({ length: wins }, (_, i) => CREDITS - wins + i));
    }
    expect(statuses.filter((status) => status === 409).length).toBeGreaterThan(0);
  });
});
