import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApi, type TestApi } from '../support/harness.js';
import { bearer, registerViaApi } from './support.js';

let api: TestApi;
beforeAll(() => {
  api = startTestApi();
});
afterAll(async () => {
  await api.close();
});

const KEY_FIELDS = ['created_at', 'id', 'label', 'last_used_at', 'prefix', 'revoked_at'];

describe('POST /auth/keys', () => {
  it('creates a labelled key, returns the raw key once, and the key works', async () => {
    const user = await registerViaApi(api);
    const res = await api.request.post('/auth/keys').set(user.auth).send({ label: 'ci runner' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      key: expect.stringMatching(/^pp_[A-Za-z0-9]{48}$/),
      prefix: res.body.key.slice(0, 8),
      label: 'ci runner',
      created_at: expect.any(String),
    });
    const account = await api.request.get('/account').set(bearer(res.body.key));
    expect(account.body.id).toBe(user.userId);
    const hits = await api.ctx.db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM api_keys k WHERE row_to_json(k)::text LIKE ${`%${(res.body.key as string).slice(3)}%`}`;
    expect(hits[0]!.n).toBe(0);
  });

  it('defaults the label, and refuses a bad one with 422', async () => {
    const user = await registerViaApi(api);
    const plain = await api.request.post('/auth/keys').set(user.auth);
    expect(plain.status).toBe(201);
    expect(plain.body.label).toBe('default');
    const bad = await api.request.post('/auth/keys').set(user.auth).send({ label: 7 });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields[0].field).toBe('label');
  });

  it('needs authentication', async () => {
    expect((await api.request.post('/auth/keys').send({})).status).toBe(401);
  });
});

describe('GET /auth/keys', () => {
  it('lists own keys newest first with metadata only, paginated', async () => {
    const user = await registerViaApi(api);
    for (const label of ['k1', 'k2', 'k3']) await api.request.post('/auth/keys').set(user.auth).send({ label });
    const first = await api.request.get('/auth/keys?limit=3').set(user.auth);
    expect(first.status).toBe(200);
    expect(first.body.total_count).toBe(4);
    expect(first.body.items.map((k: { label: string }) => k.label)).toEqual(['k3', 'k2', 'k1']);
    for (const item of first.body.items) expect(Object.keys(item).sort()).toEqual(KEY_FIELDS);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await api.request.get(`/auth/keys?limit=3&cursor=${first.body.next_cursor}`).set(user.auth);
    expect(second.body.items.map((k: { id: string }) => k.id)).toEqual([user.keyId]);
    expect(second.body.next_cursor).toBeNull();
    expect(second.body.items[0].prefix).toBe(user.key.slice(0, 8));
  });

  it('shows last_used_at once a key has been used', async () => {
    const user = await registerViaApi(api);
    await api.request.get('/account').set(user.auth);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const res = await api.request.get('/auth/keys').set(user.auth);
    expect(res.body.items[0].last_used_at).toEqual(expect.stringMatching(/Z$/));
  });

  it('answers a malformed cursor with 400 and a bad limit with 422', async () => {
    const user = await registerViaApi(api);
    expect((await api.request.get('/auth/keys?cursor=!!!').set(user.auth)).body.error.code).toBe('INVALID_CURSOR');
    expect((await api.request.get('/auth/keys?limit=0').set(user.auth)).status).toBe(422);
  });
});

describe('DELETE /auth/keys/{key_id}', () => {
  it('revokes a key (200 with the key object); the revoked key fails on the very next request', async () => {
    const user = await registerViaApi(api);
    const spare = await api.request.post('/auth/keys').set(user.auth).send({ label: 'spare' });
    const res = await api.request.delete(`/auth/keys/${spare.body.id}`).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.objectContaining({ id: spare.body.id, label: 'spare', revoked_at: expect.stringMatching(/Z$/) }),
    );
    expect(res.body.key).toBeUndefined();
    const after = await api.request.get('/account').set(bearer(spare.body.key));
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHORIZED');
    const again = await api.request.delete(`/auth/keys/${spare.body.id}`).set(user.auth);
    expect(again.status).toBe(200);
    expect(again.body.revoked_at).toBe(res.body.revoked_at);
  });

  it('lets a key revoke itself while another live key remains, then that key is dead', async () => {
    const user = await registerViaApi(api);
    const other = await api.request.post('/auth/keys').set(user.auth);
    const res = await api.request.delete(`/auth/keys/${user.keyId}`).set(user.auth);
    expect(res.status).toBe(200);
    expect((await api.request.get('/account').set(user.auth)).status).toBe(401);
    expect((await api.request.get('/account').set(bearer(other.body.key))).status).toBe(200);
  });

  it('refuses to revoke the last live key with 409 LAST_KEY and changes nothing', async () => {
    const user = await registerViaApi(api);
    const res = await api.request.delete(`/auth/keys/${user.keyId}`).set(user.auth);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('LAST_KEY');
    expect((await api.request.get('/account').set(user.auth)).status).toBe(200);
  });

  it('never lets concurrent self-revocations lock a user out', async () => {
    const user = await registerViaApi(api);
    const second = await api.request.post('/auth/keys').set(user.auth);
    const [a, b] = await Promise.all([
      api.request.delete(`/auth/keys/${user.keyId}`).set(user.auth),
      api.request.delete(`/auth/keys/${second.body.id}`).set(bearer(second.body.key)),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(await api.ctx.db.apiKey.count({ where: { userId: user.userId, revokedAt: null } })).toBe(1);
  });

  it("answers another user's key with 404 and leaves it alone", async () => {
    const alice = await registerViaApi(api);
    const bob = await registerViaApi(api);
    await api.request.post('/auth/keys').set(bob.auth);
    const res = await api.request.delete(`/auth/keys/${bob.keyId}`).set(alice.auth);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect((await api.request.get('/account').set(bob.auth)).status).toBe(200);
    const aliceList = await api.request.get('/auth/keys').set(alice.auth);
    expect(aliceList.body.items.map((k: { id: string }) => k.id)).toEqual([alice.keyId]);
  });

  it.each(['not-a-uuid', "1' OR '1'='1", randomUUID()])('answers key id %s with 404', async (id) => {
    const user = await registerViaApi(api);
    const res = await api.request.delete(`/auth/keys/${encodeURIComponent(id)}`).set(user.auth);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
