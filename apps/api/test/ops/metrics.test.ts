import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { clearKeys, privateDatabase } from '@proxy-pool/test-kit';
import { createTestUser, startTestApi, type TestApi } from '../support/harness.js';

let api: TestApi;
beforeAll(() => {
  api = startTestApi();
});
afterAll(async () => {
  await api.close();
});

function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').pop()) : undefined;
}

const scrape = async (from: TestApi = api) => (await from.request.get('/metrics')).text;

describe('GET /metrics', () => {
  it('exposes request durations by route and status, queue depth, pool size and process metrics, all prefixed proxypool_', async () => {
    const user = await createTestUser(api.ctx);
    for (let i = 0; i < 3; i += 1) await api.request.get('/account').set(user.auth);
    await api.request.get('/account');
    await api.request.get('/health');
    const res = await api.request.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.text;
    expect(
      sample(text, 'proxypool_http_request_duration_seconds_count', {
        route: '/account',
        status: '200',
        method: 'GET',
      }),
    ).toBe(3);
    expect(
      sample(text, 'proxypool_http_request_duration_seconds_count', { route: 'unmatched', status: '401' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'proxypool_http_request_duration_seconds_count', { route: '/health', status: '200' })).toBe(1);
    expect(sample(text, 'proxypool_queue_jobs', { queue: 'scrape', state: 'waiting' })).toBe(0);
    expect(sample(text, 'proxypool_queue_jobs', { queue: 'validate', state: 'failed' })).toBe(0);
    expect(sample(text, 'proxypool_pool_proxies', { status: 'active' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'proxypool_sources', { state: 'failing' })).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^proxypool_process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^proxypool_nodejs_eventloop_lag_seconds \d/m);
    expect(text).toContain('proxypool_leases_acquired_total');
    expect(text).toContain('proxypool_credits_charged_total');
    const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((name) => !name.startsWith('proxypool_'))).toEqual([]);
  });

  it('reports how long the oldest job of each queue has waited', async () => {
    expect(sample(await scrape(), 'proxypool_queue_oldest_waiting_seconds', { queue: 'maintenance' })).toBe(0);
    await api.ctx.queues.maintenance.add('maintenance', { task: 'pool-watch' });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await api.ctx.queues.maintenance.add('maintenance', { task: 'pool-watch' });
    const age = sample(await scrape(), 'proxypool_queue_oldest_waiting_seconds', { queue: 'maintenance' })!;
    expect(age).toBeGreaterThanOrEqual(1.1);
    expect(age).toBeLessThan(10);
    await api.ctx.queues.maintenance.obliterate({ force: true });
  });

  it('counts the pool by status at most once per cache period across replicas, not on every scrape', async () => {
    // A database of its own: the counts must be this test's rows only.
    const database = await privateDatabase();
    const first = startTestApi({ DATABASE_URL: database.url });
    // Another replica of the same deployment: same database, same queue prefix, hence the same cached count.
    const peer = startTestApi({ DATABASE_URL: database.url, QUEUE_PREFIX: first.ctx.config.QUEUE_PREFIX });
    const insert = (fromPort: number, count: number) =>
      first.ctx.db.$executeRawUnsafe(
        `INSERT INTO proxies (ip, port, protocol) SELECT '127.9.0.1', n, 'http' FROM generate_series(${fromPort}, ${fromPort + count - 1}) AS n`,
      );
    try {
      await insert(8000, 3);
      expect(sample(await scrape(first), 'proxypool_pool_proxies', { status: 'unchecked' })).toBe(3);
      await insert(9000, 10);
      expect(sample(await scrape(first), 'proxypool_pool_proxies', { status: 'unchecked' })).toBe(3);
      expect(sample(await scrape(peer), 'proxypool_pool_proxies', { status: 'unchecked' })).toBe(3);
      await clearKeys(first.ctx.redis, `${first.ctx.config.QUEUE_PREFIX}:cache`);
      expect(sample(await scrape(peer), 'proxypool_pool_proxies', { status: 'unchecked' })).toBe(13);
    } finally {
      await peer.close();
      await first.close();
      await database.drop();
    }
  });
});
