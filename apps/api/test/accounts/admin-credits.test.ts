import { randomInt, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';

let api: TestApi;
let admin: TestUser;
beforeAll(async () => {
  api = startTestApi();
  admin = await createTestUser(api.ctx, { role: 'admin' });
});
afterAll(async () => {
  await api.close();
});

const credit = (userId: string, body: unknown, as: TestUser = admin) =>
  api.request
    .post(`/admin/users/${userId}/credits`)
    .set(as.auth)
    .send(body as object);

async function ledger(userId: string): Promise<{ balance: number; sum: number; count: number }> {
  const user = await api.ctx.db.user.findUniqueOrThrow({ where: { id: userId } });
  const agg = await api.ctx.db.creditTransaction.aggregate({ where: { userId }, _sum: { amount: true }, _count: true });
  return { balance: user.creditBalance, sum: agg._sum.amount ?? 0, count: agg._count };
}

describe('POST /admin/users/{user_id}/credits', () => {
  it('credits as a purchase and debits as an adjustment, answering the new balance and the transaction', async () => {
    const user = await createTestUser(api.ctx, { credits: 0 });
    const up = await credit(user.userId, { amount: 100, description: 'Invoice 42' });
    expect(up.status).toBe(201);
    expect(up.body).toEqual({
      user_id: user.userId,
      balance: 100,
      transaction: {
        id: expect.any(String),
        amount: 100,
        tx_type: 'purchase',
        description: 'Invoice 42',
        created_at: expect.stringMatching(/Z$/),
      },
    });
    const down = await credit(user.userId, { amount: -30, description: 'Correction' });
    expect(down.status).toBe(201);
    expect(down.body.balance).toBe(70);
    expect(down.body.transaction).toEqual(
      expect.objectContaining({ amount: -30, tx_type: 'adjustment', description: 'Correction' }),
    );
    const seen = await api.request.get('/account/credits').set(user.auth);
    expect(seen.body.balance).toBe(70);
    expect(seen.body.recent_transactions.map((t: { amount: number }) => t.amount)).toEqual([-30, 100]);
  });

  it('refuses a debit beyond the balance with 409 and changes nothing', async () => {
    const user = await createTestUser(api.ctx, { credits: 0 });
    await credit(user.userId, { amount: 5, description: 'seed' });
    const res = await credit(user.userId, { amount: -6, description: 'too much' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: { code: 'INSUFFICIENT_BALANCE', message: expect.any(String), details: { balance: 5, amount: -6 } },
    });
    expect(await ledger(user.userId)).toEqual({ balance: 5, sum: 5, count: 1 });
  });

  it('refuses a credit that would overflow the balance with 422', async () => {
    const user = await createTestUser(api.ctx, { credits: 2_000_000_000 });
    const res = await credit(user.userId, { amount: 1_000_000_000, description: 'overflow' });
    expect(res.status).toBe(422);
    expect((await ledger(user.userId)).balance).toBe(2_000_000_000);
  });

  it('answers 403 FORBIDDEN to a non-admin and changes nothing', async () => {
    const user = await createTestUser(api.ctx, { credits: 3 });
    const res = await credit(user.userId, { amount: 1000, description: 'self-service' }, user);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(await ledger(user.userId)).toEqual({ balance: 3, sum: 0, count: 0 });
  });

  it('answers 401 without a key', async () => {
    expect(
      (await api.request.post(`/admin/users/${randomUUID()}/credits`).send({ amount: 1, description: 'x' })).status,
    ).toBe(401);
  });

  it.each([randomUUID(), 'not-a-uuid'])('answers unknown user %s with 404', async (id) => {
    const res = await credit(id, { amount: 1, description: 'ghost' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it.each([
    [{ amount: 0, description: 'zero' }, ['amount']],
    [{ amount: 1.5, description: 'fraction' }, ['amount']],
    [{ amount: '10', description: 'string' }, ['amount']],
    [{ amount: 10 }, ['description']],
    [{ amount: 10, description: '  ' }, ['description']],
    [{}, ['amount', 'description']],
  ])('answers invalid body %j with 422 naming the fields', async (body, fields) => {
    const user = await createTestUser(api.ctx);
    const res = await credit(user.userId, body);
    expect(res.status).toBe(422);
    expect([...new Set(res.body.error.details.fields.map((f: { field: string }) => f.field))].sort()).toEqual(fields);
    expect((await ledger(user.userId)).count).toBe(0);
  });
});

describe('concurrent admin credit changes', () => {
  let server: Server;
  beforeAll(async () => {
    server = createApp(api.ctx).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('1,000 mixed credits and debits, 50 in flight: balance equals the ledger and never goes negative', async () => {
    const user = await createTestUser(api.ctx, { credits: 0 });
    const http = supertest(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    // Debits slightly outnumber credits, so the balance keeps hitting zero and the guard must refuse some.
    const amounts = Array.from({ length: 1000 }, () => (randomInt(0, 5) < 3 ? -1 : 1) * randomInt(1, 6));
    const outcomes: Array<{ status: number; amount: number; balance?: number }> = [];
    let next = 0;
    const worker = async () => {
      while (next < amounts.length) {
        const amount = amounts[next++]!;
        const res = await http
          .post(`/admin/users/${user.userId}/credits`)
          .set(admin.auth)
          .send({ amount, description: 'load' });
        outcomes.push({ status: res.status, amount, balance: res.body.balance as number | undefined });
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));

    expect(outcomes).toHaveLength(1000);
    const statuses = new Set(outcomes.map((o) => o.status));
    expect([...statuses].every((s) => s === 201 || s === 409)).toBe(true);
    expect(outcomes.filter((o) => o.status === 409).every((o) => o.amount < 0)).toBe(true);
    expect(outcomes.filter((o) => o.status === 409).length).toBeGreaterThan(50);
    expect(outcomes.filter((o) => o.status === 201).every((o) => (o.balance ?? -1) >= 0)).toBe(true);
    const applied = outcomes.filter((o) => o.status === 201);
    const final = await ledger(user.userId);
    expect(final.count).toBe(applied.length);
    expect(final.sum).toBe(applied.reduce((total, o) => total + o.amount, 0));
    expect(final.balance).toBe(final.sum);
    expect(final.balance).toBeGreaterThanOrEqual(0);
  }, 120_000);
});
