import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, startTestApi, type TestApi } from '../support/harness.js';
import { insertProxies } from '../pool/seed.js';

let api: TestApi;

beforeAll(() => {
  api = startTestApi();
});

afterAll(async () => {
  await api.close();
});

describe('request bodies without a JSON content type', () => {
  it('refuse the body with 415 in the envelope and lease or charge nothing; bodiless POSTs still work', async () => {
    const user = await createTestUser(api.ctx, { credits: 3 });
    await insertProxies(api.ctx, [{ country: 'XT' }, { country: 'XT' }]);
    const filters = JSON.stringify({ country: 'XT', lease_duration_seconds: 60 });
    const answers = [
      // curl -d's default type, a text body, and a body with no type at all.
      await api.request
        .post('/proxies/acquire')
        .set(user.auth)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(filters),
      await api.request.post('/proxies/acquire').set(user.auth).set('Content-Type', 'text/plain').send(filters),
      await api.request.post('/proxies/acquire').set(user.auth).set('Content-Type', '').send(filters),
      await api.request
        .post('/proxies/test')
        .set(user.auth)
        .set('Content-Type', 'text/plain')
        .send('{"url":"http://127.0.0.1:9/"}'),
    ];
    for (const res of answers) {
      expect({ status: res.status, body: res.body }).toEqual({
        status: 415,
        body: {
          error: {
            code: 'UNSUPPORTED_MEDIA_TYPE',
            message: expect.stringContaining('application/json'),
            details: expect.any(Object),
          },
        },
      });
    }
    expect(await api.ctx.db.lease.count({ where: { userId: user.userId } })).toBe(0);
    expect((await api.ctx.db.user.findUniqueOrThrow({ where: { id: user.userId } })).creditBalance).toBe(3);

    // JSON still works, and a POST that takes no body works with an empty one of any type.
    const leased = await api.request
      .post('/proxies/acquire')
      .set(user.auth)
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(filters);
    expect(leased.status).toBe(200);
    const release = `/proxies/acquire/${leased.body.lease_id as string}/release`;
    expect(
      (await api.request.post(release).set(user.auth).set('Content-Type', 'application/x-www-form-urlencoded').send(''))
        .status,
    ).toBe(200);
    expect((await api.request.post(release).set(user.auth)).status).toBe(200);
    // An empty body on an acquire means "no filters", as documented.
    expect(
      (await api.request.post('/proxies/acquire').set(user.auth).set('Content-Type', 'text/plain').send('')).status,
    ).toBe(200);
  });
});
