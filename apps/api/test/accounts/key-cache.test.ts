import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@proxy-pool/test-kit';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';

// Two API processes over one database, each with its own key cache (KEY_CACHE_MS, on by default).
let one: TestApi;
let two: TestApi;

const listening = (api: TestApi) =>
  eventually(async () => (api.ctx.keyHolders.active ? true : undefined), 10_000, 'key change notifications');
const status = async (api: TestApi, user: TestUser) => (await api.request.get('/account').set(user.auth)).status;

/** Both processes have used the key: each now remembers its holder. */
async function warm(user: TestUser): Promise<void> {
  expect(await status(one, user)).toBe(200);
  expect(await status(two, user)).toBe(200);
}

beforeAll(async () => {
  one = startTestApi();
  two = startTestApi();
  await Promise.all([listening(one), listening(two)]);
});

afterAll(async () => {
  await Promise.all([one.close(), two.close()]);
});

describe('API key cache', () => {
  it('answers repeated requests with a key without reading the database again', async () => {
    const user = await createTestUser(one.ctx);
    const pool = one.ctx.db.pool;
    const query = pool.query.bind(pool);
    let lookups = 0;
    pool.query = ((config: unknown, values?: unknown) => {
      if ((config as { text?: string })?.text?.includes('FROM api_keys k JOIN users u')) lookups += 1;
      return query(config as never, values as never);
    }) as typeof pool.query;
    try {
      for (let i = 0; i < 5; i += 1) expect(await status(one, user)).toBe(200);
    } finally {
      pool.query = query;
    }
    expect(lookups).toBe(1);
  });

  it('refuses a key revoked through the API at once on that process, and on every other within moments', async () => {
    const user = await createTestUser(one.ctx);
    const spare = await one.request.post('/auth/keys').set(user.auth).send({ label: 'spare' });
    expect(spare.status).toBe(201);
    await warm(user);
    const revoked = await one.request.delete(`/auth/keys/${user.apiKeyId}`).set(user.auth);
    expect(revoked.status).toBe(200);
    expect(await status(one, user)).toBe(401);
    await eventually(
      async () => ((await status(two, user)) === 401 ? true : undefined),
      2_000,
      'the other process to refuse the key',
    );
  });

  it('follows changes made straight in the database: revocation, deletion, a new role', async () => {
    const revoked = await createTestUser(one.ctx);
    const deleted = await createTestUser(one.ctx);
    const promoted = await createTestUser(one.ctx);
    for (const user of [revoked, deleted, promoted]) await warm(user);
    const adminOnly = (api: TestApi) =>
      api.request
        .post(`/admin/users/${promoted.userId}/credits`)
        .set(promoted.auth)
        .send({ amount: 1, description: 'x' });
    expect((await adminOnly(two)).status).toBe(403);

    await one.ctx.db.$executeRaw`UPDATE api_keys SET revoked_at = now() WHERE id = ${revoked.apiKeyId}::uuid`;
    await one.ctx.db.$executeRaw`DELETE FROM users WHERE id = ${deleted.userId}::uuid`;
    await one.ctx.db.$executeRaw`UPDATE users SET role = 'admin' WHERE id = ${promoted.userId}::uuid`;
    for (const api of [one, two]) {
      await eventually(async () => ((await status(api, revoked)) === 401 ? true : undefined), 2_000, 'revocation');
      await eventually(async () => ((await status(api, deleted)) === 401 ? true : undefined), 2_000, 'deletion');
      await eventually(async () => ((await adminOnly(api)).status !== 403 ? true : undefined), 2_000, 'the new role');
    }
  });

  it('remembers nothing while the notification connection is down, and resumes after it reconnects', async () => {
    const user = await createTestUser(one.ctx);
    await warm(user);
    await one.ctx.db.$executeRaw`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'listen:api_key_changes'`;
    await eventually(
      async () => (!one.ctx.keyHolders.active && !two.ctx.keyHolders.active ? true : undefined),
      5_000,
      'the caches to stand down',
    );
    // Revoked while nobody is listening: refused on the very next request, with no notification to carry it.
    await one.ctx.db.$executeRaw`UPDATE api_keys SET revoked_at = now() WHERE id = ${user.apiKeyId}::uuid`;
    expect(await status(one, user)).toBe(401);
    await Promise.all([listening(one), listening(two)]);
    const fresh = await createTestUser(one.ctx);
    expect(await status(two, fresh)).toBe(200);
    expect(await status(two, user)).toBe(401);
  });
});
