import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addGatewayUsage } from '@proxy-pool/db';
import { createTestUser, startTestApi, type TestApi } from '../support/harness.js';

let api: TestApi;
beforeAll(() => {
  api = startTestApi();
});
afterAll(async () => {
  await api.close();
});

/** A block no other test claims: the allowlist's ranges are unique across users. */
const uniqueBlock = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.0/24`;

describe('GET /account/usage', () => {
  it("shows the caller's gateway traffic per key and in total, zero for unused keys, nothing of others'", async () => {
    const user = await createTestUser(api.ctx);
    const other = await createTestUser(api.ctx);
    const fresh = await api.request.get('/account/usage').set(user.auth);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toEqual({
      items: [
        {
          api_key_id: user.apiKeyId,
          prefix: expect.any(String),
          label: expect.any(String),
          connections: 0,
          bytes_in: 0,
          bytes_out: 0,
          updated_at: null,
        },
      ],
      total: { connections: 0, bytes_in: 0, bytes_out: 0 },
    });
    await addGatewayUsage(api.ctx.db, [
      { apiKeyId: user.apiKeyId, userId: user.userId, connections: 3, bytesIn: 300, bytesOut: 5_000_000_000 },
      { apiKeyId: other.apiKeyId, userId: other.userId, connections: 9, bytesIn: 9, bytesOut: 9 },
    ]);
    await addGatewayUsage(api.ctx.db, [
      { apiKeyId: user.apiKeyId, userId: user.userId, connections: 1, bytesIn: 100, bytesOut: 1 },
    ]);
    const used = await api.request.get('/account/usage').set(user.auth);
    expect(used.body.items).toEqual([
      expect.objectContaining({
        api_key_id: user.apiKeyId,
        connections: 4,
        bytes_in: 400,
        bytes_out: 5_000_000_001,
        updated_at: expect.any(String),
      }),
    ]);
    expect(used.body.total).toEqual({ connections: 4, bytes_in: 400, bytes_out: 5_000_000_001 });
  });

  it('needs an API key', async () => {
    expect((await api.request.get('/account/usage')).status).toBe(401);
  });
});

describe('/account/gateway/allowlist', () => {
  it('adds, lists and removes entries of the caller only', async () => {
    const user = await createTestUser(api.ctx);
    const other = await createTestUser(api.ctx);
    const block = uniqueBlock();
    const created = await api.request
      .post('/account/gateway/allowlist')
      .set(user.auth)
      .send({ cidr: block, params: 'country-DE' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      api_key_id: user.apiKeyId,
      cidr: block,
      params: 'country-DE',
      created_at: expect.any(String),
    });
    const single = await api.request.post('/account/gateway/allowlist').set(user.auth).send({ cidr: '::1' });
    expect(single.body).toMatchObject({ cidr: '::1/128', params: '' });
    const listed = await api.request.get('/account/gateway/allowlist').set(user.auth);
    expect(listed.body).toEqual({ items: [created.body, single.body], next_cursor: null, total_count: 2 });
    expect((await api.request.get('/account/gateway/allowlist').set(other.auth)).body.items).toEqual([]);
    expect((await api.request.delete(`/account/gateway/allowlist/${created.body.id}`).set(other.auth)).status).toBe(
      404,
    );
    expect((await api.request.delete(`/account/gateway/allowlist/${created.body.id}`).set(user.auth)).status).toBe(204);
    expect((await api.request.delete(`/account/gateway/allowlist/${created.body.id}`).set(user.auth)).status).toBe(404);
    expect((await api.request.get('/account/gateway/allowlist').set(user.auth)).body.total_count).toBe(1);
    await api.request.delete(`/account/gateway/allowlist/${single.body.id}`).set(user.auth);
  });

  it('refuses bad input with 422 and a taken block with 409, writing nothing', async () => {
    const user = await createTestUser(api.ctx);
    const other = await createTestUser(api.ctx);
    for (const body of [
      { cidr: 'not-an-ip' },
      { cidr: '10.0.0.0/33' },
      { cidr: '10.1.2.3/8' },
      { cidr: '10.9.9.0/24', params: 'colour-red' },
      { cidr: '10.9.9.0/24', extra: 1 },
    ]) {
      const res = await api.request.post('/account/gateway/allowlist').set(user.auth).send(body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
    const block = uniqueBlock();
    expect((await api.request.post('/account/gateway/allowlist').set(user.auth).send({ cidr: block })).status).toBe(
      201,
    );
    const taken = await api.request.post('/account/gateway/allowlist').set(other.auth).send({ cidr: block });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('CONFLICT');
    const foreignKey = await api.request
      .post('/account/gateway/allowlist')
      .set(other.auth)
      .send({ cidr: uniqueBlock(), api_key_id: user.apiKeyId });
    expect(foreignKey.status).toBe(404);
    expect((await api.request.get('/account/gateway/allowlist').set(other.auth)).body.total_count).toBe(0);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await api.request.get('/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/account/usage', '/account/gateway/allowlist', '/account/gateway/allowlist/{entry_id}']),
    );
  });
});
