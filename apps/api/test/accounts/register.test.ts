import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApi, type TestApi } from '../support/harness.js';
import { bearer, registerViaApi, uniqueEmail } from './support.js';

let api: TestApi;
let noGrantApi: TestApi;
beforeAll(() => {
  api = startTestApi({ SIGNUP_CREDITS: '25' });
  noGrantApi = startTestApi({ SIGNUP_CREDITS: '0' });
});
afterAll(async () => {
  await api.close();
  await noGrantApi.close();
});

describe('POST /auth/register', () => {
  it('creates the user and a first key, answering exactly the spec shape', async () => {
    const email = uniqueEmail('Reg');
    const res = await api.request.post('/auth/register').send({ email, display_name: 'Alice' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      user: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), email, display_name: 'Alice' },
      api_key: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        key: expect.stringMatching(/^pp_[A-Za-z0-9]{48}$/),
        prefix: expect.any(String),
        label: 'default',
      },
    });
    expect(res.body.api_key.prefix).toBe(res.body.api_key.key.slice(0, 8));

    const account = await api.request.get('/account').set(bearer(res.body.api_key.key));
    expect(account.status).toBe(200);
    expect(account.body).toEqual({
      id: res.body.user.id,
      email,
      display_name: 'Alice',
      role: 'user',
      credit_balance: 25,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('keeps the raw key nowhere: not in any api_keys column, not in later answers, not in the logs', async () => {
    const user = await registerViaApi(api);
    const body = user.key.slice(3);
    const hits = await api.ctx.db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM api_keys k WHERE row_to_json(k)::text LIKE ${`%${body}%`}`;
    expect(hits[0]!.n).toBe(0);
    const usersHits = await api.ctx.db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM users u WHERE row_to_json(u)::text LIKE ${`%${body}%`}`;
    expect(usersHits[0]!.n).toBe(0);
    const stored = await api.ctx.db.apiKey.findUniqueOrThrow({ where: { id: user.keyId } });
    expect(stored.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.prefix).toBe(user.key.slice(0, 8));

    const list = await api.request.get('/auth/keys').set(user.auth);
    const account = await api.request.get('/account').set(user.auth);
    expect(JSON.stringify(list.body)).not.toContain(body);
    expect(JSON.stringify(account.body)).not.toContain(body);
    expect(JSON.stringify(list.body)).not.toContain(stored.keyHash);
    expect(JSON.stringify(api.logs)).not.toContain(body);
  });

  it('records the signup grant as a grant transaction', async () => {
    const user = await registerViaApi(api);
    const res = await api.request.get('/account/credits').set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      balance: 25,
      recent_transactions: [
        { amount: 25, tx_type: 'grant', description: 'Signup grant', created_at: expect.any(String) },
      ],
      next_cursor: null,
      total_count: 1,
    });
  });

  it('records no transaction when SIGNUP_CREDITS is 0', async () => {
    const user = await registerViaApi(noGrantApi);
    const res = await noGrantApi.request.get('/account/credits').set(user.auth);
    expect(res.body).toEqual({ balance: 0, recent_transactions: [], next_cursor: null, total_count: 0 });
    expect(await noGrantApi.ctx.db.creditTransaction.count({ where: { userId: user.userId } })).toBe(0);
  });

  it('refuses a duplicate email, compared case-insensitively, with 409 and no second user', async () => {
    const email = uniqueEmail('dup');
    await registerViaApi(api, email);
    const res = await api.request
      .post('/auth/register')
      .send({ email: `  ${email.toUpperCase()} `, display_name: 'Bob' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: { code: 'EMAIL_TAKEN', message: expect.any(String), details: { field: 'email' } },
    });
    expect(await api.ctx.db.user.count({ where: { emailNormalized: email.toLowerCase() } })).toBe(1);
  });

  it('answers concurrent registrations of one email with one 201 and 409s', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        api.request.post('/auth/register').send({ email: i % 2 ? email.toUpperCase() : email, display_name: 'R' }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
  });

  it.each([
    [{ email: 'not-an-email', display_name: 'A' }, ['email']],
    [{ email: 'a b@example.test', display_name: 'A' }, ['email']],
    [{ display_name: 'A' }, ['email']],
    [{ email: 'valid@example.test', display_name: '   ' }, ['display_name']],
    [{ email: 'valid@example.test', display_name: 'x'.repeat(101) }, ['display_name']],
    [{ email: 'valid@example.test', display_name: 'bad\u0000name' }, ['display_name']],
    [{ email: 42, display_name: null }, ['email', 'display_name']],
  ])('answers invalid input %j with 422 naming the fields', async (input, fields) => {
    const res = await api.request.post('/auth/register').send(input);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    const named = (res.body.error.details.fields as Array<{ field: string }>).map((f) => f.field);
    expect([...new Set(named)].sort()).toEqual([...fields].sort());
    const email = (input as { email?: unknown }).email;
    if (typeof email === 'string')
      expect(await api.ctx.db.user.count({ where: { emailNormalized: email.toLowerCase() } })).toBe(0);
  });
});

describe('authentication', () => {
  it.each([
    ['missing', undefined],
    ['malformed', 'Bearer nope'],
    ['wrong scheme', 'Basic pp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['unknown', 'Bearer pp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
  ])('answers a %s key with the same 401', async (_name, header) => {
    const req = api.request.get('/account');
    const res = header ? await req.set('Authorization', header) : await req;
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String), details: {} } });
  });
});
