import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@proxy-pool/test-kit';
import { LocalCache } from '../../src/services/local-cache.js';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';
import { insertProxies } from './seed.js';

// A country code no other test uses scopes every query here.
const COUNTRY = 'XQ';

let api: TestApi;
let user: TestUser;

beforeAll(async () => {
  api = startTestApi({ PROXY_PAGE_CACHE_MS: '3000', PROXY_COUNT_CACHE_SECONDS: '0' });
  user = await createTestUser(api.ctx);
  await insertProxies(api.ctx, [{ country: COUNTRY, score: 0.5 }]);
});

afterAll(async () => {
  await api.close();
});

const page = async (query: Record<string, string>) => {
  const res = await api.request
    .get('/proxies')
    .query({ country: COUNTRY, ...query })
    .set(user.auth);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  return res.body as { items: Array<{ score: number }>; total_count: number };
};

describe('GET /proxies page cache (PROXY_PAGE_CACHE_MS)', () => {
  it('answers the same query from memory until the window ends; other queries read the database', async () => {
    expect((await page({})).total_count).toBe(1);
    await insertProxies(api.ctx, [{ country: COUNTRY, score: 0.9 }]);
    const cached = await page({});
    expect(cached.total_count).toBe(1);
    expect(cached.items.map((item) => item.score)).toEqual([0.5]);
    expect((await page({ limit: '49' })).items.map((item) => item.score)).toEqual([0.9, 0.5]);
    const fresh = await eventually(
      async () => {
        const body = await page({});
        return body.total_count === 2 ? body : undefined;
      },
      10_000,
      'the cached page to expire',
    );
    expect(fresh.items.map((item) => item.score)).toEqual([0.9, 0.5]);
  });

  it('is off with PROXY_PAGE_CACHE_MS=0: every answer is read fresh', async () => {
    const exact = startTestApi({ PROXY_PAGE_CACHE_MS: '0', PROXY_COUNT_CACHE_SECONDS: '0' });
    try {
      const count = async () =>
        (await exact.request.get('/proxies').query({ country: COUNTRY, sort: 'uptime' }).set(user.auth)).body
          .total_count as number;
      const before = await count();
      await insertProxies(api.ctx, [{ country: COUNTRY }]);
      expect(await count()).toBe(before + 1);
    } finally {
      await exact.close();
    }
  });
});

describe('LocalCache', () => {
  it('shares one computation between concurrent callers and keeps no failure', async () => {
    const cache = new LocalCache<number>(60_000);
    let runs = 0;
    const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(++runs), 20));
    expect(await Promise.all([cache.get('a', slow), cache.get('a', slow), cache.get('a', slow)])).toEqual([1, 1, 1]);
    expect(await cache.get('a', slow)).toBe(1);
    await expect(cache.get('b', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('b', async () => 7)).toBe(7);
  });

  it('holds at most maxEntries, dropping the oldest', async () => {
    const cache = new LocalCache<string>(60_000, 2);
    await cache.get('a', async () => 'a1');
    await cache.get('b', async () => 'b1');
    await cache.get('c', async () => 'c1');
    expect(await cache.get('a', async () => 'a2')).toBe('a2');
    expect(await cache.get('c', async () => 'c2')).toBe('c1');
  });
});
