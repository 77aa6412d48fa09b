import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';

let api: TestApi;
beforeAll(() => {
  api = startTestApi();
});
afterAll(async () => {
  await api.close();
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('GET /account', () => {
  it('answers the caller with role and balance', async () => {
    const admin = await createTestUser(api.ctx, { role: 'admin', credits: 7 });
    const res = await api.request.get('/account').set(admin.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: admin.userId,
      email: admin.email,
      display_name: 'Test User',
      role: 'admin',
      credit_balance: 7,
      created_at: expect.stringMatching(ISO),
    });
  });
});

describe('GET /account/credits', () => {
  it('lists transactions newest first in the spec shape, paginated', async () => {
    const user = await createTestUser(api.ctx, { credits: 0 });
    const base = Date.now() - 60_000;
    await api.ctx.db.creditTransaction.createMany({
      data: Array.from({ length: 5 }, (_, i) => ({
        userId: user.userId,
        amount: i + 1,
        txType: 'purchase' as const,
        description: `tx ${i + 1}`,
        createdAt: new Date(base + i * 1000),
      })),
    });
    await api.ctx.db.user.update({ where: { id: user.userId }, data: { creditBalance: 15 } });
    const first = await api.request.get('/account/credits?limit=2').set(user.auth);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      balance: 15,
      recent_transactions: [
        { amount: 5, tx_type: 'purchase', description: 'tx 5', created_at: new Date(base + 4000).toISOString() },
        { amount: 4, tx_type: 'purchase', description: 'tx 4', created_at: new Date(base + 3000).toISOString() },
      ],
      next_cursor: expect.any(String),
      total_count: 5,
    });
    const descriptions: string[] = [];
    let cursor: string | null = first.body.next_cursor;
    while (cursor) {
      const page = await api.request.get(`/account/credits?limit=2&cursor=${cursor}`).set(user.auth);
      descriptions.push(...page.body.recent_transactions.map((t: { description: string }) => t.description));
      cursor = page.body.next_cursor;
    }
    expect(descriptions).toEqual(['tx 3', 'tx 2', 'tx 1']);
  });

  it('refuses a bad limit or cursor', async () => {
    const user = await createTestUser(api.ctx);
    expect((await api.request.get('/account/credits?limit=201').set(user.auth)).status).toBe(422);
    expect((await api.request.get('/account/credits?cursor=eyJ4IjoxfQ').set(user.auth)).status).toBe(400);
  });
});

async function makeProxy(): Promise<{ id: string; ip: string; port: number }> {
  const ip = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
  const port = randomInt(1024, 65535);
  const proxy = await api.ctx.db.proxy.create({
    data: { ip, port, protocol: 'socks5', status: 'dead', anonymity: 'elite', country: 'DE' },
  });
  return { id: proxy.id, ip, port };
}

async function makeLease(user: TestUser, state: 'live' | 'released' | 'marked' | 'past', createdAt: Date) {
  const proxy = await makeProxy();
  const past = state === 'past' || state === 'marked';
  return api.ctx.db.lease.create({
    data: {
      proxyId: proxy.id,
      userId: user.userId,
      apiKeyId: user.apiKeyId,
      createdAt,
      expiresAt: past ? new Date(createdAt.getTime() + 1000) : new Date(Date.now() + 300_000),
      releasedAt: state === 'released' ? new Date() : null,
      expiredAt: state === 'marked' ? new Date() : null,
    },
    include: { proxy: true },
  });
}

describe('GET /account/leases', () => {
  it("lists only the caller's live leases, newest first, paginated", async () => {
    const alice = await createTestUser(api.ctx);
    const bob = await createTestUser(api.ctx);
    const t0 = Date.now() - 120_000;
    const live = [];
    for (let i = 0; i < 3; i += 1) live.push(await makeLease(alice, 'live', new Date(t0 + i * 1000)));
    for (const state of ['released', 'marked', 'past'] as const) await makeLease(alice, state, new Date(t0 + 10_000));
    const bobs = await makeLease(bob, 'live', new Date(t0 + 20_000));

    const first = await api.request.get('/account/leases?limit=2').set(alice.auth);
    expect(first.status).toBe(200);
    expect(first.body.total_count).toBe(3);
    const newest = live[2]!;
    expect(first.body.items[0]).toEqual({
      lease_id: newest.id,
      proxy: { ip: newest.proxy.ip, port: newest.proxy.port, protocol: 'socks5', country: 'DE', anonymity: 'elite' },
      expires_at: newest.expiresAt.toISOString(),
      created_at: newest.createdAt.toISOString(),
    });
    expect(first.body.items[1].lease_id).toBe(live[1]!.id);
    const second = await api.request.get(`/account/leases?limit=2&cursor=${first.body.next_cursor}`).set(alice.auth);
    expect(second.body).toEqual({
      items: [expect.objectContaining({ lease_id: live[0]!.id })],
      next_cursor: null,
      total_count: 3,
    });

    const bobView = await api.request.get('/account/leases').set(bob.auth);
    expect(bobView.body.items.map((l: { lease_id: string }) => l.lease_id)).toEqual([bobs.id]);
  });

  it('answers an empty list for a user without leases', async () => {
    const user = await createTestUser(api.ctx);
    const res = await api.request.get('/account/leases').set(user.auth);
    expect(res.body).toEqual({ items: [], next_cursor: null, total_count: 0 });
  });

  it('needs authentication', async () => {
    expect((await api.request.get(`/account/leases?x=${randomUUID()}`)).status).toBe(401);
  });
});
