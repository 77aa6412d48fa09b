import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';

const SSRF_TARGETS = [
  'http://127.0.0.1/',
  'http://10.0.0.1/',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::1]/',
  'http://localhost/',
];

let api: TestApi;
let admin: TestUser;
let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  // ALLOW_PRIVATE_TARGETS=false: every private target must be refused by validation, before any connection.
  api = startTestApi({ ALLOW_PRIVATE_TARGETS: 'false' });
  admin = await createTestUser(api.ctx, { role: 'admin' });
  alice = await createTestUser(api.ctx, { credits: 5 });
  bob = await createTestUser(api.ctx, { credits: 5 });
});
afterAll(async () => {
  await api.close();
});

describe('SSRF targets with ALLOW_PRIVATE_TARGETS=false', () => {
  it.each(SSRF_TARGETS)('refuses %s with 422 on POST /sources, /proxies/test and /account/webhooks', async (url) => {
    const calls: Array<[string, { status: number; body: { error?: unknown } }]> = [
      [
        '/sources',
        await api.request
          .post('/sources')
          .set(admin.auth)
          .send({ url, parser_name: 'plaintext', cron_schedule: '0 0 1 1 *' }),
      ],
      [
        '/proxies/test',
        await api.request.post('/proxies/test').set(alice.auth).send({ url, count: 1, timeout_seconds: 1 }),
      ],
      [
        '/account/webhooks',
        await api.request
          .post('/account/webhooks')
          .set(alice.auth)
          .send({ url, subscribes_to: ['credits.*'] }),
      ],
    ];
    for (const [path, res] of calls) {
      expect({ url, path, status: res.status }).toEqual({ url, path, status: 422 });
      expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
  });
});

describe("another user's resources", () => {
  it('are invisible (404): key and webhook', async () => {
    // Inserted directly: no DNS on this machine, so a public webhook URL cannot pass the SSRF check here.
    const row = await api.ctx.db.userWebhook.create({
      data: {
        userId: alice.userId,
        url: 'https://hooks.example.com/x',
        secret: 'whsec-test',
        subscribesTo: ['credits.*'],
      },
    });
    const hook = { body: { id: row.id } };
    expect((await api.request.delete(`/account/webhooks/${hook.body.id}`).set(bob.auth)).status).toBe(404);
    expect((await api.request.delete(`/auth/keys/${alice.apiKeyId}`).set(bob.auth)).status).toBe(404);
    const bobHooks = await api.request.get('/account/webhooks').set(bob.auth);
    expect(JSON.stringify(bobHooks.body)).not.toContain(hook.body.id);
    const bobKeys = await api.request.get('/auth/keys').set(bob.auth);
    expect(JSON.stringify(bobKeys.body)).not.toContain(alice.apiKeyId);
    const aliceLeaseRelease = await api.request.post(`/proxies/acquire/${alice.apiKeyId}/release`).set(bob.auth);
    expect(aliceLeaseRelease.status).toBe(404);
    // Still there for its owner.
    expect((await api.request.delete(`/account/webhooks/${hook.body.id}`).set(alice.auth)).status).toBe(204);
  });

  it('never logs a raw API key', async () => {
    expect(api.logs.length).toBeGreaterThan(0);
    const logs = JSON.stringify(api.logs);
    for (const secret of [admin.key, alice.key, bob.key]) expect(logs).not.toContain(secret);
  });
});

describe('secrets shown once', () => {
  it('never logs a new API key or a webhook secret, and never shows either again', async () => {
    // Private targets allowed here so a loopback webhook URL passes validation (nothing is delivered).
    const local = startTestApi({ ALLOW_PRIVATE_TARGETS: 'true', LOG_LEVEL: 'debug' });
    try {
      const user = await createTestUser(local.ctx);
      const key = await local.request.post('/auth/keys').set(user.auth).send({ label: 'second' });
      expect(key.status).toBe(201);
      const hook = await local.request
        .post('/account/webhooks')
        .set(user.auth)
        .send({ url: 'http://127.0.0.1:9/hook', subscribes_to: ['credits.*'] });
      expect(hook.status).toBe(201);
      const secrets = [user.key, key.body.key as string, hook.body.secret as string];
      expect(secrets.every((secret) => typeof secret === 'string' && secret.length >= 32)).toBe(true);

      const later = [
        await local.request.get('/auth/keys').set(user.auth),
        await local.request.get('/account/webhooks').set(user.auth),
        await local.request.get('/account').set(user.auth),
      ];
      const logs = JSON.stringify(local.logs);
      expect(local.logs.length).toBeGreaterThan(3);
      for (const secret of secrets) {
        expect(logs.includes(secret)).toBe(false);
        for (const res of later) expect(JSON.stringify(res.body).includes(secret)).toBe(false);
      }
    } finally {
      await local.close();
    }
  });
});
