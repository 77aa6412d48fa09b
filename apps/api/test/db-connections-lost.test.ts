import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, type Database } from '@proxy-pool/db';
import { eventually, privateDatabase, type PrivateDatabase } from '@proxy-pool/test-kit';
import { createTestUser, startTestApi, type TestApi, type TestUser } from './support/harness.js';
import { insertProxies } from './pool/seed.js';

// Terminating every connection of a database is only safe on a database of its own.
let database: PrivateDatabase;
let api: TestApi;
let admin: Database;
let user: TestUser;

beforeAll(async () => {
  database = await privateDatabase();
  api = startTestApi({ DATABASE_URL: database.url, PROXY_PAGE_CACHE_MS: '0', KEY_CACHE_MS: '0' });
  admin = createDatabase({ url: database.url, poolSize: 1 });
  // Rows are written through another client: the API's own pool must meet the cut with nothing but its raw
  // queries run (the Prisma adapter adds its own error listener once it connects).
  const writer = { ...api.ctx, db: admin };
  user = await createTestUser(writer, { credits: 5 });
  await insertProxies(writer, [{ country: 'XT' }, { country: 'XT' }]);
});

afterAll(async () => {
  await api.close();
  await admin.$disconnect();
  await database.drop();
});

describe('PostgreSQL drops the API connections', () => {
  it('keeps serving: idle connections that were cut are replaced, the process does not crash', async () => {
    // Pooled connections held by the raw paths only (auth, pages).
    expect((await api.request.get('/proxies').query({ country: 'XT' }).set(user.auth)).status).toBe(200);
    const terminated = await admin.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM (
        SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()) t`;
    expect(terminated[0]!.n).toBeGreaterThan(0);
    // A request may meet a connection that is still being torn down; within moments every path works again.
    await eventually(
      async () => {
        const page = await api.request.get('/proxies').query({ country: 'XT' }).set(user.auth);
        const account = await api.request.get('/account').set(user.auth);
        return page.status === 200 && account.status === 200 ? true : undefined;
      },
      10_000,
      'the API to answer again',
    );
    const lease = await api.request.post('/proxies/acquire').set(user.auth).send({ country: 'XT' });
    expect(lease.status).toBe(200);
  });
});

describe('closing the API', () => {
  it('ends its database connections, also when it only ever ran raw queries', async () => {
    const url = new URL(database.url);
    url.searchParams.set('application_name', 'closing-api');
    const closing = startTestApi({ DATABASE_URL: url.toString(), PROXY_PAGE_CACHE_MS: '0', KEY_CACHE_MS: '0' });
    const connections = async () =>
      (
        await admin.$queryRaw<
          Array<{ n: number }>
        >`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'closing-api'`
      )[0]!.n;
    expect((await closing.request.get('/proxies').query({ country: 'XT' }).set(user.auth)).status).toBe(200);
    expect(await connections()).toBeGreaterThan(0);
    await closing.close();
    await eventually(
      async () => ((await connections()) === 0 ? true : undefined),
      5_000,
      'the closed API to have no connection',
    );
  });
});
