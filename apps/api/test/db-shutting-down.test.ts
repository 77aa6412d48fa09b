import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@proxy-pool/test-kit';
import { insertProxies } from './pool/seed.js';
import { createTestUser, startTestApi, type TestApi, type TestUser } from './support/harness.js';
import { switchablePostgres, type SwitchablePostgres } from './support/switchable-postgres.js';

let postgres: SwitchablePostgres;
let api: TestApi;
let user: TestUser;

beforeAll(async () => {
  postgres = await switchablePostgres(process.env.DATABASE_URL!);
  api = startTestApi({ DATABASE_URL: postgres.url });
  user = await createTestUser(api.ctx, { credits: 5 });
  await insertProxies(api.ctx, [{ country: 'XS' }, { country: 'XS' }]);
});

afterAll(async () => {
  postgres.restore();
  await api.close();
  await postgres.close();
});

const requests = {
  // Authentication (raw SQL on the pool), an acquire (a transaction), a registration (Prisma).
  account: () => api.request.get('/account').set(user.auth),
  acquire: () =>
    api.request.post('/proxies/acquire').set(user.auth).send({ country: 'XS', lease_duration_seconds: 60 }),
  register: () =>
    api.request.post('/auth/register').send({ email: `down-${randomUUID()}@example.test`, display_name: 'Down' }),
};

describe('PostgreSQL shutting down while the API serves', () => {
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After (not 500), and serves again once it is back', async () => {
    expect((await requests.account()).status).toBe(200);
    postgres.shutDown();
    for (const [name, send] of Object.entries(requests)) {
      const res = await send();
      expect({ name, status: res.status, retryAfter: res.headers['retry-after'], body: res.body }).toEqual({
        name,
        status: 503,
        retryAfter: expect.stringMatching(/^\d+$/),
        body: {
          error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String), details: { dependency: 'postgres' } },
        },
      });
    }
    expect(api.logs.some((line) => line.message === 'unhandled error')).toBe(false);
    postgres.restore();
    await eventually(
      async () => ((await requests.account()).status === 200 ? true : undefined),
      10_000,
      'the API to read again',
    );
    expect((await requests.acquire()).status).toBe(200);
    expect((await requests.register()).status).toBe(201);
  });
});
