import { afterEach, describe, expect, it } from '@jest/globals';
import { createRedis } from '@proxy-pool/queues';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { createTestUser, startTestApi, type TestApi } from '../support/harness.js';
import { bearer, uniqueEmail } from './support.js';

const BAD_KEY = `pp_${'x'.repeat(48)}`;
let api: TestApi;
afterEach(async () => {
  await api?.close();
});

function expectRateLimited(
  res: { status: number; headers: Record<string, string>; body: { error: { code: string } } },
  maxSeconds: number,
) {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({
    error: {
      code: 'RATE_LIMITED',
      message: expect.any(String),
      details: { limit: expect.any(Number), retry_after_seconds: expect.any(Number) },
    },
  });
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
}

async function shortenWindows(pattern: string): Promise<void> {
  const keys = await api.ctx.redis.keys(`${api.ctx.config.QUEUE_PREFIX}:ratelimit:${pattern}`);
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) await api.ctx.redis.pexpire(key, 20);
  await new Promise((resolve) => setTimeout(resolve, 60));
}

describe('rate limits', () => {
  it('limits registrations per client IP per hour', async () => {
    api = startTestApi({ RATE_LIMITS_ENABLED: 'true', RATE_LIMIT_REGISTER_PER_HOUR: '3' });
    for (let i = 0; i < 3; i += 1) {
      expect((await api.request.post('/auth/register').send({ email: uniqueEmail(), display_name: 'R' })).status).toBe(
        201,
      );
    }
    const email = uniqueEmail();
    const res = await api.request.post('/auth/register').send({ email, display_name: 'R' });
    expectRateLimited(res, 3600);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(3000);
    expect(await api.ctx.db.user.count({ where: { emailNormalized: email } })).toBe(0);
    await shortenWindows('register:*');
    expect((await api.request.post('/auth/register').send({ email, display_name: 'R' })).status).toBe(201);
  });

  it('after too many failed authentications, blocks only the failing credential from that IP: valid keys and the Bull Board sign-in challenge still get through', async () => {
    api = startTestApi({ RATE_LIMITS_ENABLED: 'true', RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3' });
    const user = await createTestUser(api.ctx);
    const admin = await createTestUser(api.ctx, { role: 'admin' });
    // A browser asking for the board with no credentials gets the sign-in challenge, however often.
    for (let i = 0; i < 5; i += 1) {
      const challenge = await api.request.get('/admin/queues');
      expect({ status: challenge.status, challenge: challenge.headers['www-authenticate'] }).toEqual({
        status: 401,
        challenge: expect.stringMatching(/^Basic /),
      });
    }
    // The same client (same IP) retries a wrong key, and a browser a wrong Bull Board password.
    const wrongPassword = { Authorization: `Basic ${Buffer.from(`admin:${BAD_KEY}x`).toString('base64')}` };
    for (let i = 0; i < 3; i += 1) {
      expect((await api.request.get('/account').set(bearer(BAD_KEY))).status).toBe(401);
      expect((await api.request.get('/admin/queues').set(wrongPassword)).status).toBe(401);
    }
    expectRateLimited(await api.request.get('/account').set(bearer(BAD_KEY)), 60);
    expectRateLimited(await api.request.get('/admin/queues').set(wrongPassword), 60);
    // Everyone else behind that address carries on.
    expect((await api.request.get('/account').set(user.auth)).status).toBe(200);
    expect((await api.request.get('/admin/queues').set(admin.auth)).status).toBe(200);
    expect(
      (
        await api.request
          .get('/admin/queues')
          .set({ Authorization: `Basic ${Buffer.from(`admin:${admin.key}`).toString('base64')}` })
      ).status,
    ).toBe(200);
    expect((await api.request.get('/admin/queues')).status).toBe(401);
    // Another wrong key is a new credential: 401 until it too runs out of attempts.
    expect((await api.request.get('/account').set(bearer(`${BAD_KEY.slice(0, -1)}y`))).status).toBe(401);
    await shortenWindows('auth-failures:*');
    expect((await api.request.get('/account').set(bearer(BAD_KEY))).status).toBe(401);
  });

  it('does not count successful authentications as failures', async () => {
    api = startTestApi({ RATE_LIMITS_ENABLED: 'true', RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '2' });
    const user = await createTestUser(api.ctx);
    for (let i = 0; i < 6; i += 1) expect((await api.request.get('/account').set(user.auth)).status).toBe(200);
  });

  it('limits requests per API key per minute; another key is counted apart', async () => {
    api = startTestApi({ RATE_LIMITS_ENABLED: 'true', RATE_LIMIT_REQUESTS_PER_MINUTE: '5' });
    const user = await createTestUser(api.ctx);
    for (let i = 0; i < 5; i += 1) expect((await api.request.get('/account').set(user.auth)).status).toBe(200);
    expectRateLimited(await api.request.get('/account').set(user.auth), 60);
    const other = await createTestUser(api.ctx);
    expect((await api.request.get('/account').set(other.auth)).status).toBe(200);
    await shortenWindows('key:*');
    expect((await api.request.get('/account').set(user.auth)).status).toBe(200);
  });

  it('shares counters between replicas through Redis', async () => {
    api = startTestApi({ RATE_LIMITS_ENABLED: 'true', RATE_LIMIT_REQUESTS_PER_MINUTE: '4' });
    const replica = startTestApi({
      RATE_LIMITS_ENABLED: 'true',
      RATE_LIMIT_REQUESTS_PER_MINUTE: '4',
      QUEUE_PREFIX: api.ctx.config.QUEUE_PREFIX,
    });
    try {
      const user = await createTestUser(api.ctx);
      for (let i = 0; i < 2; i += 1) expect((await api.request.get('/account').set(user.auth)).status).toBe(200);
      for (let i = 0; i < 2; i += 1) expect((await replica.request.get('/account').set(user.auth)).status).toBe(200);
      expectRateLimited(await replica.request.get('/account').set(user.auth), 60);
      expectRateLimited(await api.request.get('/account').set(user.auth), 60);
    } finally {
      await replica.close();
    }
  });

  it('fails open with a warning when Redis is down', async () => {
    api = startTestApi({
      RATE_LIMITS_ENABLED: 'true',
      RATE_LIMIT_REGISTER_PER_HOUR: '1',
      RATE_LIMIT_REQUESTS_PER_MINUTE: '1',
    });
    // The same API, but its rate limiter talks to a Redis that is not there.
    const deadRedis = createRedis('redis://127.0.0.1:1', 'producer');
    deadRedis.on('error', () => undefined);
    try {
      const request = supertest(createApp({ ...api.ctx, redis: deadRedis }));
      for (let i = 0; i < 2; i += 1) {
        expect((await request.post('/auth/register').send({ email: uniqueEmail(), display_name: 'R' })).status).toBe(
          201,
        );
      }
      const user = await createTestUser(api.ctx);
      for (let i = 0; i < 2; i += 1) expect((await request.get('/account').set(user.auth)).status).toBe(200);
      expect((await request.get('/account').set(bearer(BAD_KEY))).status).toBe(401);
      expect(
        api.logs.some((line) => line.level === 'warn' && String(line.message).startsWith('rate limiter unavailable')),
      ).toBe(true);
    } finally {
      deadRedis.disconnect();
    }
  });

  it('is off when RATE_LIMITS_ENABLED is false', async () => {
    api = startTestApi({ RATE_LIMITS_ENABLED: 'false', RATE_LIMIT_REQUESTS_PER_MINUTE: '1' });
    const user = await createTestUser(api.ctx);
    for (let i = 0; i < 3; i += 1) expect((await api.request.get('/account').set(user.auth)).status).toBe(200);
  });
});
