import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';

let api: TestApi;
let strict: TestApi;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  api = startTestApi({ WEBHOOKS_PER_USER: '3' });
  strict = startTestApi({ ALLOW_PRIVATE_TARGETS: 'false' });
  alice = await createTestUser(api.ctx);
  bob = await createTestUser(api.ctx);
});

afterAll(async () => {
  await api.ctx.db.user.deleteMany({ where: { id: { in: [alice.userId, bob.userId] } } });
  await Promise.all([api.close(), strict.close()]);
});

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('POST /account/webhooks', () => {
  it('registers a webhook and shows its secret once', async () => {
    const res = await api.request.post('/account/webhooks').set(alice.auth).send({ url: 'http://127.0.0.1:9/hook' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      url: 'http://127.0.0.1:9/hook',
      subscribes_to: ['*'],
      secret: expect.stringMatching(/^[0-9a-f]{64}$/),
      created_at: expect.stringMatching(ISO),
    });
    const row = await api.ctx.db.userWebhook.findUniqueOrThrow({ where: { id: res.body.id as string } });
    expect(row).toMatchObject({ userId: alice.userId, secret: res.body.secret, subscribesTo: ['*'] });
    const list = await api.request.get('/account/webhooks').set(alice.auth);
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret as string);
    expect(JSON.stringify(api.logs)).not.toContain(res.body.secret as string);
    await api.request
      .delete(`/account/webhooks/${res.body.id as string}`)
      .set(alice.auth)
      .expect(204);
  });

  it('keeps the given subscriptions', async () => {
    const res = await api.request
      .post('/account/webhooks')
      .set(alice.auth)
      .send({ url: 'https://hooks.example.test/a', subscribes_to: ['credits.*', 'lease.expired'] });
    expect(res.status).toBe(201);
    expect(res.body.subscribes_to).toEqual(['credits.*', 'lease.expired']);
    await api.request
      .delete(`/account/webhooks/${res.body.id as string}`)
      .set(alice.auth)
      .expect(204);
  });

  it('refuses bad bodies with 422 and stores nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: 'ftp://127.0.0.1/x' }, 'url'],
      [{ url: 'http://127.0.0.1/x', subscribes_to: [] }, 'subscribes_to'],
      [{ url: 'http://127.0.0.1/x', subscribes_to: ['credit.*'] }, 'subscribes_to.0'],
      [{ url: 'http://127.0.0.1/x', subscribes_to: 'credits.*' }, 'subscribes_to'],
      [{ url: 'http://127.0.0.1/x', secret: 'mine' }, '(body)'],
    ];
    for (const [body, field] of cases) {
      const res = await api.request
        .post('/account/webhooks')
        .set(alice.auth)
        .send(body as object);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect((res.body.error.details.fields as Array<{ field: string }>).map((f) => f.field)).toContain(field);
    }
    expect(await api.ctx.db.userWebhook.count({ where: { userId: alice.userId } })).toBe(0);
  });

  it('refuses private and loopback targets unless ALLOW_PRIVATE_TARGETS', async () => {
    const user = await createTestUser(strict.ctx);
    try {
      for (const url of [
        'http://127.0.0.1:8080/hook',
        'http://localhost/hook',
        'http://169.254.169.254/latest',
        'http://[::1]/x',
      ]) {
        const res = await strict.request.post('/account/webhooks').set(user.auth).send({ url });
        expect(res.status).toBe(422);
        expect(res.body.error).toMatchObject({ code: 'UNSAFE_URL', details: { field: 'url' } });
      }
      expect(await strict.ctx.db.userWebhook.count({ where: { userId: user.userId } })).toBe(0);
    } finally {
      await strict.ctx.db.user.delete({ where: { id: user.userId } });
    }
  });

  it('needs an API key', async () => {
    const res = await api.request.post('/account/webhooks').send({ url: 'http://127.0.0.1/x' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
    expect((await api.request.get('/account/webhooks')).status).toBe(401);
  });

  it('caps the number of webhooks per user with 409 WEBHOOK_LIMIT', async () => {
    const user = await createTestUser(api.ctx);
    try {
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          api.request
            .post('/account/webhooks')
            .set(user.auth)
            .send({ url: `http://127.0.0.1:9/${i}` }),
        ),
      );
      expect(results.filter((res) => res.status === 201).length).toBeLessThanOrEqual(3);
      for (const res of results.filter((r) => r.status !== 201))
        expect(res.body.error).toMatchObject({ code: 'WEBHOOK_LIMIT', details: { limit: 3 } });
      expect(await api.ctx.db.userWebhook.count({ where: { userId: user.userId } })).toBeLessThanOrEqual(3);
      while ((await api.ctx.db.userWebhook.count({ where: { userId: user.userId } })) < 3) {
        await api.request.post('/account/webhooks').set(user.auth).send({ url: 'http://127.0.0.1:9/more' }).expect(201);
      }
      const over = await api.request.post('/account/webhooks').set(user.auth).send({ url: 'http://127.0.0.1:9/over' });
      expect(over.status).toBe(409);
      expect(await api.ctx.db.userWebhook.count({ where: { userId: user.userId } })).toBe(3);
    } finally {
      await api.ctx.db.user.delete({ where: { id: user.userId } });
    }
  });
});

describe('GET /account/webhooks', () => {
  it("lists the caller's webhooks newest first, paged, without secrets or URL credentials", async () => {
    const user = await createTestUser(api.ctx);
    const other = await createTestUser(api.ctx);
    try {
      const created: string[] = [];
      for (const path of ['one', 'two', 'three']) {
        const res = await api.request
          .post('/account/webhooks')
          .set(user.auth)
          .send({ url: `http://hook:pa55@127.0.0.1:9/${path}` });
        created.push(res.body.id as string);
      }
      await api.request.post('/account/webhooks').set(other.auth).send({ url: 'http://127.0.0.1:9/other' }).expect(201);

      const first = await api.request.get('/account/webhooks?limit=2').set(user.auth);
      expect(first.status).toBe(200);
      expect(first.body.total_count).toBe(3);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.next_cursor).toEqual(expect.any(String));
      const second = await api.request
        .get(`/account/webhooks?limit=2&cursor=${first.body.next_cursor as string}`)
        .set(user.auth);
      expect(second.body).toMatchObject({ total_count: 3, next_cursor: null });
      const items = [...first.body.items, ...second.body.items] as Array<Record<string, unknown>>;
      expect(items.map((item) => item.id)).toEqual([...created].reverse());
      for (const item of items) {
        expect(Object.keys(item).sort()).toEqual(['created_at', 'id', 'subscribes_to', 'url']);
        expect(item.url).not.toContain('pa55');
      }
    } finally {
      await api.ctx.db.user.deleteMany({ where: { id: { in: [user.userId, other.userId] } } });
    }
  });

  it('answers an empty page for a user without webhooks and 400 for a bad cursor', async () => {
    expect((await api.request.get('/account/webhooks').set(bob.auth)).body).toEqual({
      items: [],
      next_cursor: null,
      total_count: 0,
    });
    const res = await api.request.get('/account/webhooks?cursor=%%%').set(bob.auth);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_CURSOR');
  });
});

describe('DELETE /account/webhooks/{id}', () => {
  it("deletes the caller's own webhook; anyone else's, unknown or malformed ids are 404", async () => {
    const created = await api.request.post('/account/webhooks').set(alice.auth).send({ url: 'http://127.0.0.1:9/del' });
    const id = created.body.id as string;
    for (const [user, target] of [
      [bob, id],
      [alice, randomUUID()],
      [alice, 'not-a-uuid'],
    ] as const) {
      const res = await api.request.delete(`/account/webhooks/${target}`).set(user.auth);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    expect(await api.ctx.db.userWebhook.count({ where: { id } })).toBe(1);
    const res = await api.request.delete(`/account/webhooks/${id}`).set(alice.auth);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await api.ctx.db.userWebhook.count({ where: { id } })).toBe(0);
    expect((await api.request.delete(`/account/webhooks/${id}`).set(alice.auth)).status).toBe(404);
  });

  it('leaves /account itself working beside it', async () => {
    const res = await api.request.get('/account').set(alice.auth);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(alice.userId);
  });
});
