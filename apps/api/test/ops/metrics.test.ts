import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, startTestApi, type TestApi } from '../support/harness.js';

let api: TestApi;
beforeAll(() => {
  api = startTestApi();
});
afterAll(async () => {
  await api.close();
});

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').pop()) : undefined;
}

describe('GET /metrics', () => {
  it('exposes request durations by route and status, queue depth, pool size and process metrics', async () => {
    const user = await createTestUser(api.ctx);
    for (let i = 0; i < 3; i += 1) await api.request.get('/account').set(user.auth);
    await api.request.get('/account');
    await api.request.get('/health');
    const res = await api.request.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.text;
    expect(sample(text, 'http_request_duration_seconds_count', { route: '/account', status: '200', method: 'GET' })).toBe(3);
    expect(sample(text, 'http_request_duration_seconds_count', { route: 'unmatched', status: '401' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'http_request_duration_seconds_count', { route: '/health', status: '200' })).toBe(1);
    expect(sample(text, 'queue_jobs', { queue: 'scrape', state: 'waiting' })).toBe(0);
    expect(sample(text, 'queue_jobs', { queue: 'validate', state: 'failed' })).toBe(0);
    expect(sample(text, 'pool_proxies', { status: 'active' })).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toContain('leases_acquired_total');
    expect(text).toContain('credits_charged_total');
  });
});
